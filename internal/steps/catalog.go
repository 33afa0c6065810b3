package steps

// All returns the 22 camera steps of the MOBOTIX hardening guide, in the
// guide's order.
func All() []Step {
	return []Step{
		firmware{},
		factoryReset{},
		adminPassword{},
		userGroups{},
		personalUsers{},
		publicAccess{},
		ipAccess{},
		intrusionDetection{},
		webCrawling{},
		digestAuth{},
		webServerPorts{},
		recordingKey{},
		mxMessageKey{},
		errorNotification{},
		storageFailure{},
		certificate{},
		openVPN{},
		internetExposure{},
		vlan{},
		dot1x{},
		webServerLog{},
		configBackup{},
	}
}

// ByID returns the step with the given stable ID (e.g. "admin-password").
func ByID(id string) (Step, bool) {
	for _, st := range All() {
		if st.Info().ID == id {
			return st, true
		}
	}
	return nil, false
}

// Checklist items of the guide that live outside the camera.
var (
	// VMSChecklist is the guide's "VMS Configuration" section.
	VMSChecklist = []ChecklistItem{
		{"vms-os-accounts", "Create user accounts on the computer in use"},
		{"vms-mxmc-accounts", "Create user accounts on MxManagementCenter"},
		{"vms-limit-rights", "Limit the rights of VMS users"},
		{"vms-no-admin", "Avoid using the admin account to access cameras via MxMC"},
		{"vms-auto-logoff", "Enable the \"Auto log-off\""},
	}
	// NASChecklist is the guide's "NAS Configuration" section.
	NASChecklist = []ChecklistItem{
		{"nas-safe-place", "Place the device used to store the footage in a safe place"},
		{"nas-admin-password", "Set a strong password for the administrative account"},
		{"nas-camera-user", "Set a standard user account (limited rights) for MOBOTIX devices"},
		{"nas-encrypt", "Encrypt the volumes"},
		{"nas-raid", "Use a RAID level that ensures data redundancy"},
	}
)

// ChecklistItem is one item of the VMS or NAS checklist: confirmed by the
// installer and recorded in the report.
type ChecklistItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}
