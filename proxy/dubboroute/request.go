package dubboroute

// Request is what routing reads of a Dubbo request. The Dubbo connection manager implements it
// over the request's parsed head (protocol/dubbo.RequestHead); the byte slices may point into its
// read buffer. Routing only reads them, never keeps them past the call that received them, and
// never modifies them.
//
// Interface, Version and Method must be cheap and must not allocate. Argument and Attachment may
// decode the body on first use (and allocate); Table.NeedsArguments and Table.NeedsAttachments say
// whether a table ever calls them.
type Request interface {
	// Interface returns the service interface (RequestHead.Path).
	Interface() []byte
	// Version returns the service version (RequestHead.Version); empty when there is none.
	Version() []byte
	// Method returns the method name.
	Method() []byte
	// Group returns the "group" attachment and whether the request has it.
	Group() ([]byte, bool)
	// Argument returns decoded argument i (0-based) and whether the request has it. Strings are
	// string, integers int32 or int64 (any Go integer type is accepted), booleans bool.
	Argument(i int) (any, bool)
	// Attachment returns the string attachment name and whether the request has it.
	Attachment(name string) ([]byte, bool)
}
