package interop

import (
	"context"
	"fmt"
	"time"

	"dubbo.apache.org/dubbo-go/v3/common/constant"
	hessian "github.com/apache/dubbo-go-hessian2"
)

// Interface is the Java interface name the Greeter service is exported and referenced under.
const Interface = "org.apache.dubbo.sample.GreeterProvider"

// User is the POJO argument of Greeter.Greet (Java class org.apache.dubbo.sample.User).
type User struct {
	Name string
	Age  int32
}

// JavaClassName implements hessian.POJO.
func (User) JavaClassName() string { return "org.apache.dubbo.sample.User" }

// Reply is what every Greeter method returns (Java class org.apache.dubbo.sample.Reply): which
// provider instance answered, for which method and argument, and the request's "env" and "unit"
// attachments as the provider saw them.
type Reply struct {
	Instance string
	Method   string
	Arg      string
	Env      string
	Unit     string
}

// JavaClassName implements hessian.POJO.
func (Reply) JavaClassName() string { return "org.apache.dubbo.sample.Reply" }

// RegisterPOJOs registers User and Reply with hessian2. Providers and consumers call it once before
// the first call; repeated calls are harmless.
func RegisterPOJOs() {
	hessian.RegisterPOJO(&User{})
	hessian.RegisterPOJO(&Reply{})
}

// Greeter is the provider-side implementation; Instance names the process that serves it.
// Its exported methods are the service's methods (dubbo-go maps them by reflection).
type Greeter struct {
	Instance string
}

// SayHello takes a string argument (java.lang.String).
func (g *Greeter) SayHello(ctx context.Context, name string) (*Reply, error) {
	return g.reply(ctx, "SayHello", name), nil
}

// Count takes an int argument (int).
func (g *Greeter) Count(ctx context.Context, n int32) (*Reply, error) {
	return g.reply(ctx, "Count", fmt.Sprint(n)), nil
}

// Greet takes a POJO argument.
func (g *Greeter) Greet(ctx context.Context, u *User) (*Reply, error) {
	return g.reply(ctx, "Greet", fmt.Sprintf("%s/%d", u.Name, u.Age)), nil
}

// Sleep answers after ms milliseconds, for timeout tests.
func (g *Greeter) Sleep(ctx context.Context, ms int32) (*Reply, error) {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return g.reply(ctx, "Sleep", fmt.Sprint(ms)), nil
}

// Fail always returns an error, which the provider sends as an exception result.
func (g *Greeter) Fail(ctx context.Context, msg string) (*Reply, error) {
	return nil, fmt.Errorf("greeter %s: %s", g.Instance, msg)
}

func (g *Greeter) reply(ctx context.Context, method, arg string) *Reply {
	return &Reply{
		Instance: g.Instance, Method: method, Arg: arg,
		Env: attachmentValue(ctx, "env"), Unit: attachmentValue(ctx, "unit"),
	}
}

// attachmentValue returns the string attachment key of the request in ctx, or "".
func attachmentValue(ctx context.Context, key string) string {
	switch m := ctx.Value(constant.AttachmentKey).(type) {
	case map[string]any:
		s, _ := m[key].(string)
		return s
	case map[string]string:
		return m[key]
	}
	return ""
}
