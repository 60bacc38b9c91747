package interop

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"dubbo.apache.org/dubbo-go/v3/common/constant"
	"dubbo.apache.org/dubbo-go/v3/global"
	"dubbo.apache.org/dubbo-go/v3/protocol"
	"dubbo.apache.org/dubbo-go/v3/server"
)

// Provider environment: a process started with EnvProviderInstance set serves a Greeter instead of
// running tests (see RunProviderFromEnv).
const (
	EnvProviderInstance = "SKIFF_INTEROP_PROVIDER" // the Greeter's Instance name
	EnvProviderPort     = "SKIFF_INTEROP_PORT"     // the loopback port to serve on
)

// RunProvider serves a Greeter named instance with the dubbo protocol on 127.0.0.1:port, without a
// registry, until ctx is done. dubbo-go accepts hessian2 and the other serializations a request
// names. A process can run one provider only (dubbo-go keeps exporters in process-wide state).
func RunProvider(ctx context.Context, instance string, port int) error {
	RegisterPOJOs()
	// The local MetadataService would take the same port on every interface: keep it off.
	app := global.DefaultApplicationConfig()
	app.Name = "greeter-" + instance
	app.MetadataType = constant.RemoteMetadataStorageType
	srv, err := server.NewServer(
		server.SetServerApplication(app),
		server.WithServerProtocol(protocol.WithDubbo(), protocol.WithIp("127.0.0.1"), protocol.WithPort(port)),
	)
	if err != nil {
		return fmt.Errorf("interop: new provider %s: %w", instance, err)
	}
	if err := srv.Register(&Greeter{Instance: instance}, nil,
		server.WithInterface(Interface), server.WithNotRegister()); err != nil {
		return fmt.Errorf("interop: register provider %s: %w", instance, err)
	}
	if err := srv.ServeContext(ctx); err != nil && ctx.Err() == nil {
		return fmt.Errorf("interop: serve provider %s: %w", instance, err)
	}
	return nil
}

// RunProviderFromEnv runs a provider when the environment asks for one and reports whether it did
// (the caller then exits instead of running tests). It serves until ctx is done or the process is
// killed; a failure to start is printed to stderr and ends the process with status 2.
func RunProviderFromEnv(ctx context.Context) bool {
	instance := os.Getenv(EnvProviderInstance)
	if instance == "" {
		return false
	}
	port, err := strconv.Atoi(os.Getenv(EnvProviderPort))
	if err == nil {
		err = RunProvider(ctx, instance, port)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "provider:", err)
		os.Exit(2)
	}
	return true
}
