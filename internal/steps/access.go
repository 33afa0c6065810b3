package steps

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

//go:embed firmware.json
var firmwareFS embed.FS

// FirmwareLine is one model line of the bundled firmware list.
type FirmwareLine struct {
	Name     string   `json:"name"`
	Prefixes []string `json:"model_prefixes"`
	Current  string   `json:"current"`
}

// FirmwareList is the bundled list of current firmware per model line.
type FirmwareList struct {
	AsOf  string         `json:"as_of"`
	Lines []FirmwareLine `json:"lines"`
}

// BundledFirmware is the firmware list shipped in the binary, read once.
func BundledFirmware() FirmwareList { return bundledFirmware() }

var bundledFirmware = sync.OnceValue(func() FirmwareList {
	data, err := firmwareFS.ReadFile("firmware.json")
	if err != nil {
		panic(err) // embedded at build time
	}
	var l FirmwareList
	if err := json.Unmarshal(data, &l); err != nil {
		panic(fmt.Sprintf("bundled firmware.json: %v", err))
	}
	return l
})

// CompareFirmware compares two versions like MX-V7.3.5.35 part by part.
// ok is false when either is not such a version.
func CompareFirmware(a, b string) (cmp int, ok bool) {
	pa, oka := parseFirmware(a)
	pb, okb := parseFirmware(b)
	if !oka || !okb {
		return 0, false
	}
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if x != y {
			if x < y {
				return -1, true
			}
			return 1, true
		}
	}
	return 0, true
}

var firmwareRE = regexp.MustCompile(`^MX-V(\d+(?:\.\d+)*)`)

func parseFirmware(v string) ([]int, bool) {
	m := firmwareRE.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return nil, false
	}
	var out []int
	for _, p := range strings.Split(m[1], ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// firmware is step 1.
type firmware struct{}

func (firmware) Info() Info {
	return Info{
		1, "firmware", "Keep the firmware of the cameras up-to-date",
		"www.mobotix.com > Support > Download Center",
		"Old firmware carries publicly known vulnerabilities; updates are free.",
	}
}

func (firmware) Check(s *Snapshot) Finding {
	fw, model := s.Identity.Firmware, s.Identity.Model
	list := BundledFirmware()
	for _, line := range list.Lines {
		for _, p := range line.Prefixes {
			if !strings.HasPrefix(model, p) {
				continue
			}
			cmp, ok := CompareFirmware(fw, line.Current)
			switch {
			case !ok:
				return manual("cannot read the firmware version %q; compare it with %s by hand", fw, line.Current)
			case cmp < 0:
				return fail("%s runs %s; %s is current for %s (list of %s): update it (Download Center, Mx_CG_FirmwareUpdate.pdf)", model, fw, line.Current, line.Name, list.AsOf)
			default:
				return pass("%s runs %s, current for %s (list of %s)", model, fw, line.Name, list.AsOf)
			}
		}
	}
	return manual("model %q is not in the bundled firmware list (%s): check the Download Center for %s", model, list.AsOf, fw)
}

func (f firmware) Plan(s *Snapshot, _ *profile.Profile, _ *Secrets) (*Plan, error) {
	p := &Plan{Step: f.Info()}
	if f.Check(s).Status == Fail {
		p.Notes = append(p.Notes, "mxwizard does not update firmware: update it with the camera's web interface (Admin Menu > Update System Software), then run mxwizard again")
	}
	return p, nil
}

// factoryReset is step 2.
type factoryReset struct{}

func (factoryReset) Info() Info {
	return Info{
		2, "factory-reset", "Reset the configuration to factory defaults",
		"Admin Menu > Configuration > Reset configuration to factory defaults",
		"A camera from stock or from another site may carry settings nobody remembers; hardening starts from a known state.",
	}
}

func (factoryReset) Check(s *Snapshot) Finding {
	if s.FactoryPassword {
		return pass("the camera still has the factory password: it is in factory state or close to it")
	}
	return manual("only the installer knows whether this camera's configuration is trustworthy; a reset loses users, passwords, network and recording settings")
}

func (r factoryReset) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: r.Info()}
	if p.FactoryReset && !s.FactoryPassword {
		pl.FactoryReset = true
		pl.Notes = append(pl.Notes,
			"ALL settings are lost: users and passwords (admin/meinsm again), groups, network, recording and event settings",
			"the reset is not stored until the end of the run: pulling the cable before that brings the old configuration back")
	}
	return pl, nil
}

// adminPassword is step 3.
type adminPassword struct{}

func (adminPassword) Info() Info {
	return Info{
		3, "admin-password", "Change the default admin password",
		"Admin Menu > Security > Users and Passwords",
		"The factory password meinsm is printed in every manual; anyone on the network could take over the camera.",
	}
}

func (adminPassword) Check(s *Snapshot) Finding {
	users := s.Config.Keys(camera.SecUsers)
	admins := 0
	for _, u := range users {
		if camera.ParseProfile(s.Value(camera.SecUsers, u)).Get(camera.ProfGroup) == camera.AdminGroup {
			admins++
		}
	}
	if admins == 0 {
		return fail("no user is in the admins group")
	}
	switch {
	case s.FactoryPassword:
		return fail("user %s still has the factory password", s.User)
	case s.User == camera.FactoryUser || userGroup(s, s.User) == camera.AdminGroup:
		return pass("the admin account %s does not use the factory password", s.User)
	}
	return manual("logged in as %s: whether admin still has the factory password cannot be seen without trying it", s.User)
}

func userGroup(s *Snapshot, user string) string {
	v, ok := s.Config.Get(camera.SecUsers, user)
	if !ok {
		return ""
	}
	return camera.ParseProfile(v).Get(camera.ProfGroup)
}

func (a adminPassword) Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error) {
	pl := &Plan{Step: a.Info()}
	if !s.FactoryPassword {
		return pl, nil
	}
	if p.Admin.User != "" && p.Admin.User != s.User {
		return nil, &GuardError{
			Step:   3,
			Reason: fmt.Sprintf("the profile names %s as the admin account (admin.user), but mxwizard is logged in as %s", p.Admin.User, s.User),
			Hint:   fmt.Sprintf("log in as %s (--user %s), or set admin.user: %s in the profile", p.Admin.User, p.Admin.User, s.User),
		}
	}
	pw, err := gen.Resolve(AdminPassword, p.Admin.Password)
	if err != nil {
		return nil, err
	}
	pl.Params = append(pl.Params, camera.Param{Section: camera.SecUsers, Profile: s.User, Key: camera.ProfPassword, Secret: pw})
	pl.Secrets = map[SecretName]secret.Secret{AdminPassword: pw}
	pl.NewPassword = &pw
	pl.Notes = append(pl.Notes, "the new password is saved in the encrypted secrets file before it is set; mxwizard then logs in with it and checks that the old one fails")
	return pl, nil
}

// validName is the camera's rule for user and group names.
var validName = regexp.MustCompile(`^[A-Za-z0-9._-]{3,16}$`)

var presetGroups = map[string]bool{"admins": true, "users": true, "guests": true, "undefined": true}

// userGroups is step 4.
type userGroups struct{}

func (userGroups) Info() Info {
	return Info{
		4, "user-groups", "Create different user groups with different user rights",
		"Admin Menu > Security > Group Access Control Lists",
		"Not everybody needs every right: an operator watching live video must not be able to reconfigure the camera.",
	}
}

func (userGroups) Check(s *Snapshot) Finding {
	var own []string
	for _, g := range s.Config.Keys(camera.SecGroups) {
		if !presetGroups[g] {
			own = append(own, g)
		}
	}
	if len(own) == 0 {
		return fail("only the preset groups exist (admins, users, guests)")
	}
	return pass("groups with their own rights: %s", strings.Join(own, ", "))
}

func (g userGroups) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: g.Info()}
	existing := len(s.Config.Keys(camera.SecGroups))
	for _, grp := range p.Groups {
		if !validName.MatchString(grp.Name) {
			return nil, fmt.Errorf("group name %q: use 3 to 16 of A-Z a-z 0-9 . - _", grp.Name)
		}
		if grp.Name == camera.AdminGroup {
			return nil, fmt.Errorf("group %q is preset and always has every right: choose another name", grp.Name)
		}
		for _, r := range grp.Rights {
			if !knownRight(r) {
				return nil, fmt.Errorf("group %s: unknown right %q (known: %s)", grp.Name, r, strings.Join(camera.AllRights, ", "))
			}
		}
		want := joinSorted(grp.Rights)
		cur, ok := s.Config.Get(camera.SecGroups, grp.Name)
		if ok && sameList(cur, want) {
			continue
		}
		if !ok {
			existing++
			if existing > 25 {
				return nil, fmt.Errorf("group %s: the camera holds at most 25 groups", grp.Name)
			}
		}
		pl.Params = append(pl.Params, param(camera.SecGroups, grp.Name, want))
	}
	return pl, nil
}

func knownRight(r string) bool {
	for _, k := range camera.AllRights {
		if r == k {
			return true
		}
	}
	return false
}

// personalUsers is step 5.
type personalUsers struct{}

func (personalUsers) Info() Info {
	return Info{
		5, "personal-users", "Create different users and assign them to the right groups",
		"Admin Menu > Security > Users and Passwords",
		"One account per person makes the web server log say who did what; a shared login says nothing.",
	}
}

func (personalUsers) Check(s *Snapshot) Finding {
	users := s.Config.Keys(camera.SecUsers)
	if len(users) <= 1 {
		return fail("only %d user exists: create one user per person", len(users))
	}
	return pass("%d users: %s", len(users), strings.Join(users, ", "))
}

func (u personalUsers) Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error) {
	pl := &Plan{Step: u.Info()}
	count := len(s.Config.Keys(camera.SecUsers))
	groups := map[string]bool{}
	for _, g := range s.Config.Keys(camera.SecGroups) {
		groups[g] = true
	}
	for _, g := range p.Groups {
		groups[g.Name] = true
	}
	for _, usr := range p.Users {
		if !validName.MatchString(usr.Name) {
			return nil, fmt.Errorf("user name %q: use 3 to 16 of A-Z a-z 0-9 . - _", usr.Name)
		}
		if !groups[usr.Group] {
			return nil, fmt.Errorf("user %s: group %q does not exist on the camera or in the profile", usr.Name, usr.Group)
		}
		cur, exists := s.Config.Get(camera.SecUsers, usr.Name)
		if exists && camera.ParseProfile(cur).Get(camera.ProfGroup) == usr.Group {
			continue
		}
		if exists && usr.Name == s.User && userGroup(s, usr.Name) == camera.AdminGroup && usr.Group != camera.AdminGroup {
			return nil, &GuardError{
				Step: 5, Reason: "user " + usr.Name + " is the account mxwizard is logged in with: moving it out of admins would take away the rights the rest of the run needs, and the way back in",
				Hint: "keep " + usr.Name + " in admins, or run mxwizard with another admin account (--user) and move it then",
			}
		}
		if exists && userGroup(s, usr.Name) == camera.AdminGroup && usr.Group != camera.AdminGroup && adminCount(s) <= 1 {
			return nil, &GuardError{Step: 5, Reason: "user " + usr.Name + " is the last member of admins", Hint: "keep at least one user in admins"}
		}
		pl.Params = append(pl.Params, camera.Param{Section: camera.SecUsers, Profile: usr.Name, Key: camera.ProfGroup, Value: usr.Group})
		if !exists {
			count++
			if count > 100 {
				return nil, fmt.Errorf("user %s: the camera holds at most 100 users", usr.Name)
			}
			pw, err := gen.Resolve(UserPassword(usr.Name), usr.Password)
			if err != nil {
				return nil, err
			}
			pl.Params = append(pl.Params, camera.Param{Section: camera.SecUsers, Profile: usr.Name, Key: camera.ProfPassword, Secret: pw})
			if pl.Secrets == nil {
				pl.Secrets = map[SecretName]secret.Secret{}
			}
			pl.Secrets[UserPassword(usr.Name)] = pw
		}
	}
	return pl, nil
}

func adminCount(s *Snapshot) int {
	n := 0
	for _, u := range s.Config.Keys(camera.SecUsers) {
		if userGroup(s, u) == camera.AdminGroup {
			n++
		}
	}
	return n
}

// publicAccess is step 6.
type publicAccess struct{}

func (publicAccess) Info() Info {
	return Info{
		6, "public-access", "Disable Public Access",
		"Admin Menu > Security > Group Access Control Lists",
		"With public access on, anyone on the network sees the live image and recordings without a password (the factory default).",
	}
}

func (p publicAccess) Check(s *Snapshot) Finding {
	pub := splitList(s.Value(camera.SecAccess, camera.KeyPublic))
	if e := s.Effects; e != nil && e.PublicStatus != 0 {
		switch {
		case e.PublicStatus == http.StatusUnauthorized && len(pub) == 0:
			return pass("nothing is public: the live image asks for a login (checked without one)")
		case e.PublicStatus == http.StatusUnauthorized:
			return fail("public without login: %s (the live image itself asks for a login)", strings.Join(pub, ", "))
		case e.PublicStatus == http.StatusOK && len(pub) == 0:
			return notHonoured(p.Info(), camera.SecAccess+"/"+camera.KeyPublic+" is empty", "the live image is still served without a login", "remove every tick in the Public Access row")
		case e.PublicStatus == http.StatusOK:
			return fail("public without login: %s (the live image is served to anybody)", strings.Join(pub, ", "))
		}
	}
	if len(pub) > 0 {
		return fail("public without login: %s", strings.Join(pub, ", "))
	}
	return pass("nothing is public: every screen needs a login")
}

func (a publicAccess) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: a.Info()}
	for _, r := range p.PublicAccess {
		if r == camera.RightAdmin || r == camera.RightSetup || r == camera.RightControl {
			return nil, fmt.Errorf("public_access: %q must never be public", r)
		}
		if !knownRight(r) {
			return nil, fmt.Errorf("public_access: unknown right %q", r)
		}
	}
	want := joinSorted(p.PublicAccess)
	if !sameList(s.Value(camera.SecAccess, camera.KeyPublic), want) {
		pl.Params = append(pl.Params, param(camera.SecAccess, camera.KeyPublic, want))
	}
	return pl, nil
}

// digestAuth is step 10.
type digestAuth struct{}

func (digestAuth) Info() Info {
	return Info{
		10, "digest-auth", "Enable Digest Authentication",
		"Admin Menu > Network Setup > Web Server (for experts) > Web Server",
		"With Basic authentication the password crosses the network readable by anyone who listens; Digest never sends it.",
	}
}

func (d digestAuth) Check(s *Snapshot) Finding {
	set := strings.EqualFold(s.Value(camera.SecWebServer, camera.KeyAuthMethod), "digest")
	if e := s.Effects; e != nil && len(e.Schemes) > 0 {
		switch {
		case e.digestOnly():
			return pass("Digest authentication only: the camera's challenge offers Digest and no Basic")
		case set:
			return notHonoured(d.Info(), camera.SecWebServer+"/"+camera.KeyAuthMethod+"=digest", "the camera still offers "+strings.Join(e.Schemes, " and "), "choose Digest (not Basic, not Auto) as the authentication method")
		}
		if slices.Contains(e.Schemes, "digest") {
			return fail("the camera offers Basic besides Digest (Auto): a client may still send the password Base64-encoded, readable by anyone on the path")
		}
		return fail("the camera asks for Basic authentication: passwords travel Base64-encoded, readable by anyone on the path")
	}
	if set {
		return pass("Digest authentication is on")
	}
	return fail("the camera asks for Basic authentication: passwords travel Base64-encoded, readable by anyone on the path")
}

func (d digestAuth) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: d.Info()}
	if !strings.EqualFold(s.Value(camera.SecWebServer, camera.KeyAuthMethod), p.Authentication) {
		pl.Params = append(pl.Params, param(camera.SecWebServer, camera.KeyAuthMethod, p.Authentication))
	}
	return pl, nil
}

// webCrawling is step 9.
type webCrawling struct{}

func (webCrawling) Info() Info {
	return Info{
		9, "web-crawling", "Check that Web Crawling is forbidden",
		"Admin Menu > Page Administration > Language and Start Page > Page Options",
		"Search engines must not index the camera's pages and images.",
	}
}

func (w webCrawling) Check(s *Snapshot) Finding {
	set := s.Value(camera.SecPageOptions, camera.KeyRobots) == "forbid"
	if e := s.Effects; e != nil && e.RobotsStatus != 0 {
		switch {
		case e.robotsForbidsAll():
			return pass("robots.txt disallows everything for every crawler (fetched without login)")
		case set:
			return notHonoured(w.Info(), camera.SecPageOptions+"/"+camera.KeyRobots+"=forbid", "its robots.txt still lets crawlers in", "forbid web crawling")
		}
		return fail("robots.txt lets crawlers in (fetched without login)")
	}
	if set {
		return pass("robots.txt forbids crawling")
	}
	return fail("web crawling is allowed")
}

func (w webCrawling) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: w.Info()}
	pl.setDiffering(s, camera.SecPageOptions, setting{camera.KeyRobots, p.WebCrawling})
	return pl, nil
}
