package main

// deps.go keeps the stack pinned in go.mod until every module is used by real code.
import (
	_ "charm.land/bubbles/v2/spinner"
	_ "charm.land/bubbletea/v2"
	_ "charm.land/huh/v2"
	_ "charm.land/lipgloss/v2"
	_ "filippo.io/age"
	_ "github.com/charmbracelet/x/exp/teatest/v2"
	_ "github.com/dlclark/regexp2"
	_ "github.com/icholy/digest"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/spf13/cobra"
	_ "github.com/trustelem/zxcvbn"
	_ "go.yaml.in/yaml/v3"
)
