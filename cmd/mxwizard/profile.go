package main

import (
	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/profile"
)

func newProfileCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "Site profiles for apply",
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "example",
		Short:   "Print a commented profile that hardens a factory-new camera",
		Example: "  mxwizard profile example > site.yaml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(profile.Example())
			return err
		},
	})
	check := &cobra.Command{
		Use:   "check FILE",
		Short: "Check a profile without contacting a camera",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := profile.Load(args[0]); err != nil {
				return err
			}
			cmd.Println("profile is valid")
			return nil
		},
	}
	cmd.AddCommand(check)
	return cmd
}
