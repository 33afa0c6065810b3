package steps

import (
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

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
