package route

import (
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
)

// duration reads a google.protobuf.Duration at path that must be valid and at least lowest.
func duration(probs *problems, path string, d *durationpb.Duration, lowest time.Duration) (time.Duration, bool) {
	if err := d.CheckValid(); err != nil {
		probs.Addf(path, "%v", err)
		return 0, false
	}
	v := d.AsDuration()
	if v < lowest {
		probs.Addf(path, "%v is less than %v", v, lowest)
		return 0, false
	}
	return v, true
}
