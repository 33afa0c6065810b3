package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/atomicfile"
	"github.com/mxwizard/mxwizard/internal/certs"
	"github.com/mxwizard/mxwizard/internal/session"
)

func newCertificateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "certificate",
		Short: "Certificates for the camera's HTTPS server (step 16)",
	}
	var (
		hosts   []string
		keyType string
		org     string
		country string
		outDir  string
		name    string
	)
	request := &cobra.Command{
		Use:   "request --host NAME_OR_IP... --out DIR",
		Short: "Make a key and a certificate request (CSR) for the customer's CA",
		Long: `request makes a new private key and a certificate request naming every host
name and address the camera is reached by. Send the .csr file to the customer's
certificate authority; when the signed certificate comes back, put its path
and the key's path into the profile (certificate: mode: import, cert_file,
key_file) and run apply, or choose "import" in the wizard.

The key is written with mode 0600 and never leaves this computer except into
the camera's certificate slot. Keep it as safe as a password.`,
		Example: `  mxwizard certificate request --host 192.168.1.10 --host cam-gate.example.com --out certs/`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(hosts) == 0 {
				return errors.New("--host is required: name every host name and address the camera is reached by")
			}
			if outDir == "" {
				return errors.New("--out DIR is required")
			}
			kt, err := certs.ParseKeyType(keyType)
			if err != nil {
				return err
			}
			subj := certs.NewSubject("", hosts...)
			subj.Organization, subj.Country = org, country
			key, err := certs.GenerateKey(kt)
			if err != nil {
				return withCode(exitFailed, err)
			}
			csr, err := certs.CertificateRequest(key, subj)
			if err != nil {
				return err
			}
			keyPEM, err := (&certs.Pair{Key: key}).KeyPEM()
			if err != nil {
				return withCode(exitFailed, err)
			}
			if err := os.MkdirAll(outDir, 0o700); err != nil {
				return fmt.Errorf("create %s: %w", outDir, err)
			}
			if name == "" {
				name = hosts[0]
			}
			base := filepath.Join(outDir, session.SafeName(name))
			keyPath, csrPath := base+".key", base+".csr"
			if _, err := os.Stat(keyPath); err == nil {
				return fmt.Errorf("%s exists: a key is never overwritten; choose another --out or --name", keyPath)
			}
			if err := atomicfile.Write(keyPath, keyPEM, 0o600); err != nil {
				return err
			}
			if err := atomicfile.Write(csrPath, csr, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "certificate request: %s\nprivate key (keep it safe): %s\n", csrPath, keyPath)
			return nil
		},
	}
	request.Flags().StringArrayVar(&hosts, "host", nil, "a host name or IP address the camera is reached by (repeat for each)")
	request.Flags().StringVar(&keyType, "key-type", string(certs.DefaultKeyType), "rsa2048, rsa4096 or ecdsa-p256")
	request.Flags().StringVar(&org, "organization", "", "organization in the subject (optional)")
	request.Flags().StringVar(&country, "country", "", "two-letter country code in the subject (optional)")
	request.Flags().StringVar(&outDir, "out", "", "directory for the .csr and .key files")
	request.Flags().StringVar(&name, "name", "", "file name stem (default: the first --host)")
	cmd.AddCommand(request)
	return cmd
}
