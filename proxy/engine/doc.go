// Package engine runs Skiff's event loops on gnet v2.
//
// Every connection, downstream or upstream, is served by exactly one loop. Its
// gnet context is a [Handler]; the engine dispatches gnet's events to it. A
// downstream connection accepted in Go is handed in with [Engine.Register]; an
// upstream connection dialled off-loop is enrolled on the loop of the
// connection that needs it with [Loop.Enroll]. Everything that touches a
// connection, its handler or loop state runs on that loop's goroutine; other
// goroutines reach a loop only through [Loop.Post].
//
// gnet lacks three things a proxy needs, and this package supplies them:
// timers ([Loop.AfterFunc]), read back-pressure ([Loop.PauseRead],
// [Loop.ResumeRead]) and half-close (handlers see gnet's EOF close in
// OnClose while the descriptor is still open and may keep it with a dup).
package engine
