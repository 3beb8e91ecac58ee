package httpapi

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"outpost/app"
	"time"
)

// Serve serves the UI and API on addr until ctx ends, printing the address with its token to out.
func Serve(ctx context.Context, a *app.App, addr string, assets fs.FS, out io.Writer) error {
	token, err := LoadToken(a.DataDir(), a.Logger())
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: Handler(a, assets, token, ln.Addr().String()), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "Outpost is serving this replica (%s) at http://%s/?token=%s\n", a.DataDir(), ln.Addr(), token)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.EndEvents() // end event streams so Shutdown does not wait on them
		return srv.Shutdown(shut)
	case err := <-errc:
		return err
	}
}
