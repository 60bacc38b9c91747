package server

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// When the process runs out of file descriptors, accept fails with EMFILE:
// the listener backs off instead of dying, and serves again once
// descriptors are free.
func TestAcceptEMFILERecovers(t *testing.T) {
	if os.Getenv(childEnv) == "emfile" {
		emfileChild(t)
		return
	}
	echo := echoServer(t)
	_, out, stdin := startChild(t, "TestAcceptEMFILERecovers", "emfile", "SKIFF_TEST_ECHO="+echo)
	addr := expectLine(t, out, "LISTENING ", 10*time.Second)

	// Open connections until the proxy cannot serve more: each costs it two
	// descriptors (downstream and upstream), and it has only a few spare.
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range 40 {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			continue // backlog full: fine
		}
		conns = append(conns, c)
	}
	for start := time.Now(); ; {
		fmt.Fprintln(stdin, "stats")
		if n, _ := strconv.Atoi(expectLine(t, out, "ACCEPT_ERRORS ", 10*time.Second)); n > 0 {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("expected accept or register errors (EMFILE) while descriptors were exhausted")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range conns {
		_ = c.Close()
	}
	conns = nil

	// The listener recovers: a new connection is proxied end to end.
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := echoOnce(addr)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("proxy did not recover after EMFILE: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Fprintln(stdin, "alive")
	expectLine(t, out, "ALIVE", 5*time.Second)
}

func echoOnce(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("ping")); err != nil {
		return err
	}
	b := make([]byte, 4)
	if _, err := io.ReadFull(c, b); err != nil {
		return err
	}
	if string(b) != "ping" {
		return fmt.Errorf("echo returned %q", b)
	}
	return nil
}

func emfileChild(t *testing.T) {
	srv, addrs := startProxy(t, tcpProxyYAML([]string{os.Getenv("SKIFF_TEST_ECHO")}, "", ""))
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	lim := syscall.Rlimit{Cur: uint64(len(entries) + 12), Max: uint64(len(entries) + 12)}
	var old syscall.Rlimit
	_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old)
	lim.Max = old.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("LISTENING %s\n", addrs["l"])
	var cmd string
	for {
		if _, err := fmt.Scanln(&cmd); err != nil {
			return
		}
		switch cmd {
		case "stats":
			// Exhaustion shows in accept (EMFILE) or, when accept took the
			// last descriptor, in handing the connection to a loop (gnet
			// duplicates it): either counts.
			fmt.Printf("ACCEPT_ERRORS %d\n", counter(t, srv, listenerStat(addrs["l"], "downstream_cx_accept_error"))+
				counter(t, srv, listenerStat(addrs["l"], "downstream_cx_register_error")))
		case "alive":
			fmt.Println("ALIVE")
			return
		}
	}
}
