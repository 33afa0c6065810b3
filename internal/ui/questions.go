package ui

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"charm.land/huh/v2"

	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// answer holds the installer's answer to one question while the form is
// open; the form writes it (on the UI goroutine) through pointers.
type answer struct {
	q      steps.Question
	str    string   // select, text
	list   []string // multiselect
	yes    bool     // confirm
	serial string   // strong confirm: the serial number typed
}

func newAnswer(q steps.Question) *answer {
	a := &answer{q: q, str: q.Default, yes: q.Default == "yes"}
	for _, v := range strings.Split(q.Default, ",") {
		if v = strings.TrimSpace(v); v != "" {
			a.list = append(a.list, v)
		}
	}
	if q.Kind == steps.AskSelect && !slices.Contains(q.Options, a.str) && len(q.Options) > 0 {
		a.str = q.Options[0]
	}
	return a
}

// value is the answer as the question's Set expects it.
func (a *answer) value() string {
	switch a.q.Kind {
	case steps.AskConfirm:
		if a.yes {
			return "yes"
		}
		return "no"
	case steps.AskMultiSelect:
		return strings.Join(a.list, ",")
	}
	return strings.TrimSpace(a.str)
}

// visible reports whether question i is asked, given the answers before it
// applied to a copy of the profile.
func visible(answers []*answer, i int, base *profile.Profile) bool {
	q := answers[i].q
	if q.When == nil {
		return true
	}
	draft := cloneProfile(base)
	for j := 0; j < i; j++ {
		if visible(answers, j, base) && answers[j].q.Set != nil {
			_ = answers[j].q.Set(draft, answers[j].value())
		}
	}
	return q.When(draft)
}

// draftBefore is a copy of base with the answers before question i taken
// in, so that a field can be judged against the earlier ones (an HTTP port
// against the HTTPS port).
func draftBefore(answers []*answer, i int, base *profile.Profile) *profile.Profile {
	draft := cloneProfile(base)
	for j := 0; j < i; j++ {
		if visible(answers, j, base) && answers[j].q.Set != nil {
			_ = answers[j].q.Set(draft, answers[j].value())
		}
	}
	return draft
}

// questionGroups renders the questions as huh groups, one per question
// (so each fits a small terminal), hidden when the question's When says so.
func questionGroups(answers []*answer, base func() *profile.Profile, serial string, width int) []*huh.Group {
	var groups []*huh.Group
	for i, a := range answers {
		q := a.q
		// Wrapped here at the form's width: huh would wrap a second time.
		q.Prompt, q.Help = wrap(q.Prompt, width-4), wrap(q.Help, width-4)
		show := func() bool { return visible(answers, i, base()) }
		var field huh.Field
		switch q.Kind {
		case steps.AskConfirm:
			desc := q.Help
			if q.Strong {
				desc = wrap(strings.TrimSpace(a.q.Help+" To confirm you will type the camera's serial number."), width-4)
			}
			// A select, not huh's Confirm: its chosen button differs from the
			// other only by colour, invisible with NO_COLOR; a select marks
			// the chosen line with ">".
			field = huh.NewSelect[bool]().Title(q.Prompt).Description(desc).
				Options(huh.NewOption("Yes", true), huh.NewOption("No", false)).Value(&a.yes)
		case steps.AskSelect:
			field = huh.NewSelect[string]().Title(q.Prompt).Description(q.Help).Options(huh.NewOptions(q.Options...)...).Value(&a.str)
		case steps.AskMultiSelect:
			opts := make([]huh.Option[string], len(q.Options))
			for k, o := range q.Options {
				opts[k] = huh.NewOption(o, o).Selected(slices.Contains(a.list, o))
			}
			desc := wrap(strings.TrimSpace(a.q.Help+" Space or x ticks, enter confirms."), width-4)
			// huh sizes a multi-select's list by the options minus title and
			// description unless told the whole height: tell it.
			h := len(opts) + lineCount(q.Prompt) + lineCount(desc)
			field = huh.NewMultiSelect[string]().Title(q.Prompt).Description(desc).Options(opts...).Value(&a.list).Filterable(false).Height(h)
		default:
			set := a.q.Set
			input := huh.NewInput().Title(q.Prompt).Description(q.Help).Value(&a.str)
			if set != nil {
				// Judged when the field is left, not after the last one.
				input = input.Validate(func(v string) error { return set(draftBefore(answers, i, base()), v) })
			}
			field = input
		}
		groups = append(groups, huh.NewGroup(field).WithHideFunc(func() bool { return !show() }))
		if q.Kind == steps.AskConfirm && q.Strong {
			groups = append(groups, huh.NewGroup(
				huh.NewInput().Title("Type the camera's serial number ("+serial+") to confirm").Value(&a.serial),
			).WithHideFunc(func() bool { return !show() || !a.yes }))
		}
	}
	return groups
}

// applyAnswers checks every asked question's answer on a copy of the
// profile and, when all are valid, writes them into p.
func applyAnswers(answers []*answer, p *profile.Profile, serial string) error {
	draft := cloneProfile(p)
	var errs []error
	asked := 0
	for i := range answers {
		if visible(answers, i, p) {
			asked++
		}
	}
	for i, a := range answers {
		if !visible(answers, i, p) || a.q.Set == nil {
			continue
		}
		if a.q.Strong && a.yes && !strings.EqualFold(strings.TrimSpace(a.serial), serial) {
			a.serial = ""
			errs = append(errs, errors.New("the serial number typed does not match "+serial+": answer No, or type it exactly"))
			continue
		}
		if err := a.q.Set(draft, a.value()); err != nil {
			if asked > 1 {
				err = errors.New(a.q.Prompt + ": " + err.Error())
			}
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for i, a := range answers {
		if visible(answers, i, p) && a.q.Set != nil {
			_ = a.q.Set(p, a.value())
		}
	}
	return nil
}

// cloneProfile copies a profile deeply enough that a question's Set on the
// copy never changes the original.
func cloneProfile(p *profile.Profile) *profile.Profile {
	c := *p
	c.Groups = slices.Clone(p.Groups)
	c.Users = slices.Clone(p.Users)
	c.PublicAccess = slices.Clone(p.PublicAccess)
	c.IPAccess.Rules = slices.Clone(p.IPAccess.Rules)
	c.Intrusion.Notify = slices.Clone(p.Intrusion.Notify)
	c.ErrorNotify.Methods = slices.Clone(p.ErrorNotify.Methods)
	c.StorageFailure.Tests = slices.Clone(p.StorageFailure.Tests)
	c.StorageFailure.Notify = slices.Clone(p.StorageFailure.Notify)
	c.Certificate.Names = slices.Clone(p.Certificate.Names)
	c.Manual = maps.Clone(p.Manual)
	c.VMS = maps.Clone(p.VMS)
	c.NAS = maps.Clone(p.NAS)
	return &c
}
