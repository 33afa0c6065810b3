package main

import "github.com/spf13/cobra"

// subcommands lists every command of mxwizard, in the order help shows them.
func subcommands() []*cobra.Command {
	return []*cobra.Command{
		newWizardCmd(),
		newDemoCmd(),
		newAuditCmd(),
		newApplyCmd(),
		newProfileCmd(),
		newPasswordCmd(),
		newBackupCmd(),
		newSimulateCmd(),
		newCertificateCmd(),
		newProbeCmd(),
		newRestoreCmd(),
		newDiscoverCmd(),
	}
}
