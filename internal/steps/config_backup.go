package steps

import "github.com/mxwizard/mxwizard/internal/profile"

// configBackup is step 22.
type configBackup struct{}

func (configBackup) Info() Info {
	return Info{
		22, "config-backup", "Store backup configuration files in a safe place",
		"Admin Menu > Configuration > Store and Save current configuration to local computer",
		"After a failure the camera is back in minutes from a backup; encrypted, the file gives nothing away if lost.",
	}
}

func (configBackup) Check(s *Snapshot) Finding {
	if s.BackupPath != "" {
		return pass("encrypted backup written: %s", s.BackupPath)
	}
	return manual("whether a safe backup exists cannot be seen on the camera; mxwizard writes an encrypted one at the end of a run")
}

func (b configBackup) Plan(*Snapshot, *profile.Profile, *Secrets) (*Plan, error) {
	return &Plan{Step: b.Info(), Notes: []string{"at the end: the configuration file is downloaded and written encrypted (age, under your backup passphrase)"}}, nil
}
