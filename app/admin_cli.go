package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"doku-checkout/staff"
	"doku-checkout/store"
)

// AdminCommand is `doku-checkout admin create --email E [--role owner|staff]`:
// it adds a back-office account to DB_PATH (main runs it; the browser walk
// calls it with the password on stdin). The password is read from the
// terminal without echo, or from the first line of stdin when it is not a
// terminal (scripts, tests). There is no default password.
func AdminCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, out io.Writer) error {
	if len(args) > 0 && args[0] == "reset-totp" {
		return resetTOTP(ctx, args[1:], getenv, out)
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: doku-checkout admin create --email E [--role owner|staff] | admin reset-totp --email E")
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(out)
	email := fs.String("email", "", "the account's email address")
	role := fs.String("role", store.RoleOwner, "owner or staff")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("admin create: --email is required")
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	password, err := readPassword(stdin, out)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.Database())
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := staff.Create(ctx, st, *email, password, *role)
	if err != nil {
		return fmt.Errorf("admin create: %w", err)
	}
	fmt.Fprintf(out, "Created %s account %s. Log in at %s/admin/login\n", a.Role, a.Email, cfg.PublicURL)
	return nil
}

// readPassword reads the password twice from a terminal, or once from a pipe.
func readPassword(stdin io.Reader, out io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(out, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(out, "Again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", errors.New("the passwords differ")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// resetTOTP is `doku-checkout admin reset-totp --email E`: an owner who lost
// their authenticator gets back in with the password alone, then sets up a
// new one. Only someone who can run the binary on the shop's database can
// do it; it is audited.
func resetTOTP(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("admin reset-totp", flag.ContinueOnError)
	fs.SetOutput(out)
	email := fs.String("email", "", "the account's email address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("admin reset-totp: --email is required")
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	st, err := store.Open(ctx, cfg.Database())
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.StaffByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("admin reset-totp: %s: %w", *email, err)
	}
	if err := st.DisableStaffTOTP(ctx, a.ID); err != nil {
		return err
	}
	if err := st.Audit(ctx, store.AuditEntry{StaffID: a.ID, StaffEmail: "command line", Action: "staff.totp_reset",
		Target: "staff:" + a.Email, Before: "totp on", After: "totp off"}); err != nil {
		return err
	}
	fmt.Fprintf(out, "Second factor removed for %s: log in with the password, then set up a new one.\n", a.Email)
	return nil
}
