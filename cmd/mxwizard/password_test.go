package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/mxwizard/mxwizard/internal/password"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// runPasswordCmd runs `mxwizard password` with args and stdin and returns
// what it printed on standard output and standard error.
func runPasswordCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := newPasswordCmd()
	var out, errOut bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

// assertNoPassword fails when any of the passwords of the input (8 characters
// or more) shows up in text. It never prints the password.
func assertNoPassword(t *testing.T, where, text, stdin string) {
	t.Helper()
	for i, line := range strings.Split(stdin, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if len(line) >= 8 && strings.Contains(text, line) {
			t.Errorf("%s contains password %d of the input", where, i+1)
		}
	}
}

const tooEasy1 = "too easy to guess (strength 1 of 4; needs 3): make it longer and less predictable"

func TestPasswordCheck(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantOut  string
		wantCode int
		wantErr  string // substring of the error, "" for none or a silent exit
	}{
		{
			name:    "two strong passwords are both ok and the exit status is 0",
			args:    []string{"check"},
			stdin:   "Kx7!mQp2vZr\nCorrect-Horse-Battery-Staple-42\n",
			wantOut: "ok\nok\n", wantCode: 0,
		},
		{
			name:     "a rejected password gets its reasons and the exit status is 1",
			args:     []string{"check"},
			stdin:    "Kx7!mQp2vZr\nmobotix2024!A\n",
			wantOut:  "ok\nrejected: this contains the camera's name, the vendor, the default password or the user name; this contains a year; " + tooEasy1 + "\n",
			wantCode: 1,
		},
		{
			name:     "the user name is refused as the password",
			args:     []string{"check", "--user", "Lobby-Guard-7!"},
			stdin:    "LOBBY-guard-7!\n",
			wantOut:  "rejected: do not use the user name as the password; this contains the camera's name, the vendor, the default password or the user name; too easy to guess (strength 0 of 4; needs 3): make it longer and less predictable\n",
			wantCode: 1,
		},
		{
			name:    "a last line without a line break is still checked",
			args:    []string{"check"},
			stdin:   "Kx7!mQp2vZr\nCorrect-Horse-Battery-Staple-42",
			wantOut: "ok\nok\n", wantCode: 0,
		},
		{
			name:    "a Windows line break is not part of the password",
			args:    []string{"check"},
			stdin:   "Kx7!mQp2vZr\r\n",
			wantOut: "ok\n", wantCode: 0,
		},
		{
			name:     "leading and trailing spaces stay part of the password",
			args:     []string{"check"},
			stdin:    " Kx7!mQp2vZr \n",
			wantOut:  "rejected: remove the 2 spaces: only printable ASCII without spaces is allowed\n",
			wantCode: 1,
		},
		{
			name:     "an empty line is an empty password",
			args:     []string{"check"},
			stdin:    "Kx7!mQp2vZr\n\n",
			wantOut:  "ok\nrejected: use at least 8 characters (this has 0); add an upper-case letter; add a lower-case letter; add a digit; add a special character such as ! # % + - = ? @ or _; too easy to guess (strength 0 of 4; needs 3): make it longer and less predictable\n",
			wantCode: 1,
		},
		{
			name:     "a tab inside a password is rejected by position",
			args:     []string{"check"},
			stdin:    "Kx7!\tmQp2vZr\n",
			wantOut:  "rejected: remove the character at position 5: only printable ASCII (0x21-0x7E) is allowed\n",
			wantCode: 1,
		},
		{
			name:     "injection-looking passwords are only characters",
			args:     []string{"check"},
			stdin:    "Ab1!&x=y%0Anewline\n$(reboot)Ab1x!\n",
			wantOut:  "ok\nok\n",
			wantCode: 0,
		},
		{
			name:     "empty input is a usage error",
			args:     []string{"check"},
			stdin:    "",
			wantCode: 2,
			wantErr:  "no password on standard input: pipe one password per line",
		},
		{
			name:     "a line far longer than any password stops the check",
			args:     []string{"check"},
			stdin:    strings.Repeat("Kx7!mQp2vZr", 7000) + "\n",
			wantCode: 2,
			wantErr:  "line 1 of standard input is longer than 65536 bytes",
		},
		{
			name:     "a password given as an argument is refused without being repeated",
			args:     []string{"check", "Kx7!mQp2vZr"},
			stdin:    "Kx7!mQp2vZr\n",
			wantCode: 2,
			wantErr:  "takes no arguments: passwords go on standard input",
		},
		{
			name:     "a password given to the parent command is refused without being repeated",
			args:     []string{"Kx7!mQp2vZr"},
			stdin:    "Kx7!mQp2vZr\n",
			wantCode: 2,
			wantErr:  "unknown password command",
		},
		{
			name:     "a password glued to an unknown short flag is not repeated",
			args:     []string{"check", "-pKx7!mQp2vZr"},
			stdin:    "Kx7!mQp2vZr\n",
			wantCode: 2,
			wantErr:  "unknown shorthand flag",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runPasswordCmd(t, tt.stdin, tt.args...)
			if got := exitCode(err); got != tt.wantCode {
				t.Errorf("exit code %d, want %d (error: %v)", got, tt.wantCode, err)
			}
			if tt.wantCode == exitFailed {
				var se silentExit
				if !errors.As(err, &se) {
					t.Errorf("a rejection should end with silentExit, got %T", err)
				}
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want it to contain %q", err, tt.wantErr)
				}
			}
			if stdout != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, tt.wantOut)
			}
			assertNoPassword(t, "stdout", stdout, tt.stdin)
			assertNoPassword(t, "stderr", stderr, tt.stdin)
			if err != nil {
				assertNoPassword(t, "the error", err.Error(), tt.stdin)
				for _, a := range tt.args {
					if len(a) >= 8 && a != "--user" && strings.Contains(err.Error(), strings.TrimPrefix(a, "-p")) {
						t.Error("the error repeats an argument")
					}
				}
			}
		})
	}
}

func TestPasswordGenerate(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantLen  int
		wantCode int
	}{
		{"the default password has nineteen characters (four groups of four)", []string{"generate"}, 19, 0},
		{"a chosen length is honoured", []string{"generate", "--length", "24"}, 24, 0},
		{"the longest length the camera takes is allowed", []string{"generate", "--length", "99"}, 99, 0},
		{"a length below twelve is refused", []string{"generate", "--length", "8"}, 0, 2},
		{"a length above ninety-nine is refused", []string{"generate", "--length", "100"}, 0, 2},
		{"an argument is refused", []string{"generate", "twenty"}, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := runPasswordCmd(t, "", tt.args...)
			if got := exitCode(err); got != tt.wantCode {
				t.Fatalf("exit code %d, want %d (error: %v)", got, tt.wantCode, err)
			}
			if tt.wantCode != 0 {
				if stdout != "" {
					t.Errorf("printed %d bytes on a refusal", len(stdout))
				}
				return
			}
			pw, ok := strings.CutSuffix(stdout, "\n")
			if !ok || strings.Contains(pw, "\n") {
				t.Fatalf("want exactly one line, got %d line breaks", strings.Count(stdout, "\n"))
			}
			if len(pw) != tt.wantLen {
				t.Errorf("%d characters, want %d", len(pw), tt.wantLen)
			}
			if r := password.Evaluate(secret.New(pw), password.Inputs{}); !r.OK {
				t.Errorf("the generated password is rejected: %q", r.Reasons)
			}
		})
	}
	t.Run("a generated password passes check", func(t *testing.T) {
		pw, _, err := runPasswordCmd(t, "", "generate")
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := runPasswordCmd(t, pw, "check", "--user", "admin")
		if err != nil || out != "ok\n" {
			t.Errorf("check said %q, error %v", out, err)
		}
	})
}

func TestPasswordHelpShowsSubcommandsAndExamples(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"the parent help lists both subcommands", []string{"--help"}, []string{"check", "generate", "Examples:", "mobotix, meinsm, admin"}},
		{"the parent without arguments shows its help", nil, []string{"check", "generate"}},
		{"check help explains the exit status", []string{"check", "--help"}, []string{"--user", "Exit status", "Examples:"}},
		{"generate help names the length range", []string{"generate", "--help"}, []string{"--length", "12 to 99", "Examples:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := runPasswordCmd(t, "", tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("help lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}
