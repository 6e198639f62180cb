package payment

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"doku-checkout/i18n"
	"doku-checkout/store"
)

// edge is one arrow of the state diagram: a move from one status to another
// in a payment mode ("" for both).
type edge struct{ from, to, move, mode string }

func (e edge) String() string {
	return fmt.Sprintf("%s --> %s: %s (%s)", e.from, e.to, e.move, e.mode)
}

// tableEdges is the table of moves, one edge per from-status.
func tableEdges() map[edge]bool {
	out := map[edge]bool{}
	for _, t := range Transitions {
		for _, f := range t.From {
			out[edge{string(f), string(t.To), string(t.Move), t.Mode}] = true
		}
	}
	return out
}

// diagramLine is "FROM --> TO: move, move (mode)" in the README's mermaid block.
var diagramLine = regexp.MustCompile(`^\s*([A-Z_0-9]+|\[\*\])\s*-->\s*([A-Z_0-9]+|\[\*\])\s*(?::\s*(.*))?$`)

// readmeDiagram reads the state diagram from the README's mermaid block.
func readmeDiagram(t *testing.T) (edges map[edge]bool, starts, ends []string) {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```mermaid\\s*\\nstateDiagram-v2\\n(.*?)```").FindSubmatch(b)
	if block == nil {
		t.Fatal("README.md has no ```mermaid stateDiagram-v2 block")
	}
	edges = map[edge]bool{}
	for _, line := range strings.Split(string(block[1]), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "%%") {
			continue
		}
		m := diagramLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("README diagram: cannot read %q", line)
			continue
		}
		switch {
		case m[1] == "[*]":
			starts = append(starts, m[2])
			continue
		case m[2] == "[*]":
			ends = append(ends, m[1])
			continue
		}
		label, mode := m[3], ""
		if i := strings.LastIndex(label, "("); i >= 0 && strings.HasSuffix(label, ")") {
			label, mode = strings.TrimSpace(label[:i]), label[i+1:len(label)-1]
		}
		for _, mv := range strings.Split(label, ",") {
			edges[edge{m[1], m[2], strings.TrimSpace(mv), mode}] = true
		}
	}
	return edges, starts, ends
}

// The README's state diagram is the table of moves drawn: every arrow is a
// row of Transitions and every row is an arrow, with its move and mode; the
// diagram starts at CREATED and ends at exactly the final statuses.
func TestReadmeDiagramIsTheTableOfMoves(t *testing.T) {
	drawn, starts, ends := readmeDiagram(t)
	table := tableEdges()
	var missing, extra []string
	for e := range table {
		if !drawn[e] {
			missing = append(missing, e.String())
		}
	}
	for e := range drawn {
		if !table[e] {
			extra = append(extra, e.String())
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("moves in payment.Transitions missing from the README diagram:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		t.Errorf("arrows in the README diagram that are not in payment.Transitions:\n  %s", strings.Join(extra, "\n  "))
	}
	if !slices.Equal(starts, []string{string(StatusCreated)}) {
		t.Errorf("diagram starts at %v, want [CREATED]", starts)
	}
	var finals []string
	for _, s := range Statuses {
		if Final(s) {
			finals = append(finals, string(s))
		}
	}
	sort.Strings(ends)
	sort.Strings(finals)
	if !slices.Equal(ends, finals) {
		t.Errorf("diagram ends at %v, want the final statuses %v", ends, finals)
	}
}

// The table is well formed: every status is reachable from CREATED, every
// open status can be left, no payment move leaves a final status (only the
// merchant's money actions do), and a
// (move, mode) pair has one row.
func TestTableOfMoves(t *testing.T) {
	reached := map[Status]bool{StatusCreated: true}
	for changed := true; changed; {
		changed = false
		for _, tr := range Transitions {
			for _, f := range tr.From {
				if reached[f] && !reached[tr.To] {
					reached[tr.To], changed = true, true
				}
			}
		}
	}
	seen := map[string]bool{}
	for _, tr := range Transitions {
		if len(tr.From) == 0 || !slices.Contains(Statuses, tr.To) {
			t.Errorf("row %s: from %v to %q", tr.Move, tr.From, tr.To)
		}
		for _, f := range tr.From {
			if Final(f) && !MerchantMove(tr.Move) {
				t.Errorf("row %s leaves the final status %s", tr.Move, f)
			}
		}
		for _, mode := range []string{ModeDirect, ModeHosted} {
			if tr.Mode != "" && tr.Mode != mode {
				continue
			}
			key := string(tr.Move) + "/" + mode
			if seen[key] {
				t.Errorf("move %s has two rows for %s orders", tr.Move, mode)
			}
			seen[key] = true
		}
	}
	for _, s := range Statuses {
		if !reached[s] {
			t.Errorf("status %s cannot be reached from CREATED", s)
		}
		leaves := false
		for _, tr := range Transitions {
			leaves = leaves || (slices.Contains(tr.From, s) && tr.To != s)
		}
		if !Final(s) && !leaves {
			t.Errorf("open status %s has no move out of it", s)
		}
	}
	for _, s := range busyStatuses {
		if Final(s) {
			t.Errorf("busy status %s is final: a paid or failed order would lock its cart", s)
		}
	}
}

// A move that is not in the table for the order's mode is refused loudly
// and changes nothing.
func TestMoveNotInTheTableIsAnError(t *testing.T) {
	s, st := newTestService(t, &fakeGateway{})
	ctx := context.Background()
	o := awaiting3DS(t, s) // a direct order
	for _, m := range []Move{MovePageIssued, MoveAttemptDeclined, MoveExpired, Move("teleport")} {
		moved, err := s.move(ctx, o, m, record{Reason: "test"})
		if moved || !errors.Is(err, ErrIllegalMove) {
			t.Errorf("move %s on a direct order: moved=%v err=%v, want ErrIllegalMove", m, moved, err)
		}
	}
	// A move in the table, but not from the order's status: no error, no move.
	if moved, err := s.move(ctx, o, MoveOutcomeUnknown, record{Reason: "test"}); moved || err != nil {
		t.Errorf("CHARGING→PENDING from AWAITING_3DS: moved=%v err=%v, want false, nil", moved, err)
	}
	if got := statusOf(t, st, o.ID).Status; got != StatusAwaiting3DS {
		t.Fatalf("order = %s after refused moves, want AWAITING_3DS", got)
	}
}

// The lifecycle has one home: outside payment/lifecycle.go no code calls the
// store's Transition or builds the steps and claims it runs. (Tests may.)
func TestOnlyTheLifecycleMovesOrders(t *testing.T) {
	root := ".."
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if rel == filepath.Join("payment", "lifecycle.go") || filepath.Dir(rel) == "store" {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Transition" {
					t.Errorf("%s: calls %s.Transition: every move goes through payment/lifecycle.go", fset.Position(n.Pos()), exprString(sel.X))
				}
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && x.Name == "store" && (n.Sel.Name == "Step" || n.Sel.Name == "CartClaim") {
					t.Errorf("%s: uses store.%s: steps and cart claims are built in payment/lifecycle.go", fset.Position(n.Pos()), n.Sel.Name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked only %d files: is the walk looking at the repository?", checked)
	}
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	}
	return "…"
}

// What a receipt shows is decided here, from the order's status and the
// move that set it.
func TestReceiptFor(t *testing.T) {
	cases := []struct {
		name    string
		o       store.Order
		want    Receipt
		refresh bool
	}{
		{"paid", store.Order{Status: StatusSuccess}, Receipt{Status: "SUCCESS", Message: TextPaid}, false},
		{"declined with code", store.Order{Status: StatusFailed, ResponseCode: "05", ResponseMessage: "Do not honour"},
			Receipt{Status: "FAILED", Message: TextFailed, Detail: i18n.Phrase{Key: "bank.05", Code: "05"}, RetryURL: "/checkout"}, false},
		{"charging", store.Order{Status: StatusCharging}, Receipt{Status: "PENDING", Message: TextConfirming, Refresh: true}, true},
		{"pending", store.Order{Status: StatusPending}, Receipt{Status: "PENDING", Message: TextConfirming, Refresh: true}, true},
		// Back from DOKU Checkout, maybe just paid: no second way to pay
		// until DOKU says the link is unpaid (Service.Confirm asks).
		{"on DOKU Checkout", store.Order{Status: StatusAwaitingPayment, PaymentURL: "https://pay.test/x"},
			Receipt{Status: "PENDING", Message: TextConfirming, Refresh: true}, true},
		{"declined attempt on DOKU Checkout", store.Order{Status: StatusAwaitingPayment, LastMove: string(MoveAttemptDeclined),
			PaymentURL: "https://pay.test/x", ResponseMessage: "Do not honour"},
			Receipt{Status: "PENDING", Message: TextAttemptDeclined, Detail: i18n.Phrase{Key: "bank.05"}, RetryURL: "https://pay.test/x"}, false},
		{"at 3-D Secure", store.Order{Status: StatusAwaiting3DS}, Receipt{Status: "PENDING", Message: TextAwaiting3DS, RetryURL: "/checkout"}, false},
	}
	for _, tc := range cases {
		if got := ReceiptFor(tc.o); got != tc.want {
			t.Errorf("%s: ReceiptFor = %+v, want %+v", tc.name, got, tc.want)
		}
	}
	unpaidLink := store.Order{Status: StatusAwaitingPayment, PaymentURL: "https://pay.test/x"}
	want := Receipt{Status: "PENDING", Message: TextAwaitingPayment, RetryURL: "https://pay.test/x", Refresh: true}
	if got := receiptFor(unpaidLink, true); got != want {
		t.Errorf("on DOKU Checkout, DOKU says unpaid: %+v, want %+v", got, want)
	}
}
