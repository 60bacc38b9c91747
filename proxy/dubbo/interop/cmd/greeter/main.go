// Command greeter runs the interop Greeter service by hand: a dubbo-go provider, or a dubbo-go
// consumer that makes one call. With examples/dubbo.yaml:
//
//	go run ./cmd/greeter provide -name base -port 20880
//	go run ./cmd/greeter call -addr 127.0.0.1:20000 -method SayHello -arg skiff -attach env=feature-x
//
// (run from proxy/dubbo/interop). A call prints the reply, which names the provider instance that
// answered, or the error the consumer got.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	gostlog "github.com/dubbogo/gost/log/logger"

	"github.com/skiffmesh/skiff/proxy/dubbo/interop"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "greeter:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: greeter provide|call [flags]")
	}
	switch args[0] {
	case "provide":
		return provide(args[1:])
	case "call":
		return call(args[1:])
	default:
		return fmt.Errorf("unknown command %q (provide or call)", args[0])
	}
}

// provide serves a Greeter until SIGINT or SIGTERM.
func provide(args []string) error {
	fs := flag.NewFlagSet("provide", flag.ContinueOnError)
	name := fs.String("name", "base", "instance name the replies carry")
	port := fs.Int("port", 20880, "port to serve on (127.0.0.1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("provider %s on 127.0.0.1:%d\n", *name, *port)
	return interop.RunProvider(ctx, *name, *port)
}

// call makes one call and prints the reply.
func call(args []string) error {
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:20000", "address to call (Skiff's listener or a provider)")
	method := fs.String("method", "SayHello", "SayHello, Count, Greet, Sleep or Fail")
	arg := fs.String("arg", "skiff", "the argument: a string, an int (Count, Sleep) or name/age (Greet)")
	attach := fs.String("attach", "", "attachments, key=value[,key=value...]")
	timeout := fs.Duration("timeout", 3*time.Second, "call timeout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	gostlog.SetLoggerLevel("fatal")
	c, err := interop.NewConsumer(*addr, *timeout)
	if err != nil {
		return err
	}
	kv, err := parseAttachments(*attach)
	if err != nil {
		return err
	}
	r, err := invoke(interop.WithAttachments(context.Background(), kv), c, *method, *arg)
	if err != nil {
		return err
	}
	fmt.Printf("%+v\n", *r)
	return nil
}

// invoke calls method with arg converted to the method's parameter type.
func invoke(ctx context.Context, c *interop.Consumer, method, arg string) (*interop.Reply, error) {
	switch method {
	case "Count", "Sleep":
		n, err := strconv.ParseInt(arg, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%s takes an int: %w", method, err)
		}
		if method == "Count" {
			return c.Count(ctx, int32(n))
		}
		return c.Sleep(ctx, int32(n))
	case "Greet":
		name, age, _ := strings.Cut(arg, "/")
		n, _ := strconv.ParseInt(age, 10, 32)
		return c.Greet(ctx, &interop.User{Name: name, Age: int32(n)})
	default:
		return c.Call(ctx, method, arg)
	}
}

// parseAttachments reads "k=v,k2=v2".
func parseAttachments(s string) (map[string]string, error) {
	kv := map[string]string{}
	if s == "" {
		return kv, nil
	}
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("attachment %q: want key=value", pair)
		}
		kv[k] = v
	}
	return kv, nil
}
