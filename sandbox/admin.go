package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

// dashboardRows is how many recent transactions /_sandbox/ lists.
const dashboardRows = 100

type statsOut struct {
	ChargesTotal     int            `json:"charges_total"`
	ChargesByInvoice map[string]int `json:"charges_by_invoice"`
}

// stats is GET /_sandbox/stats, for tests in another process.
func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	out := statsOut{ChargesTotal: s.st.chargesTotal, ChargesByInvoice: map[string]int{}}
	for k, ir := range s.st.invoices {
		if len(ir.txs) > 0 {
			out.ChargesByInvoice[k] = len(ir.txs)
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// resetHandler is POST /_sandbox/reset.
func (s *Server) resetHandler(w http.ResponseWriter, r *http.Request) {
	s.Reset()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"reset":true}` + "\n"))
}

type dashboardView struct {
	Total int
	Rows  []dashboardRow
}

type dashboardRow struct {
	Time          string
	Invoice       string
	Amount        string
	Brand         string
	Masked        string
	Type          string
	Status        string
	Notifications []string
}

// dashboard is GET /_sandbox/: recent transactions for a person watching a demo.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	view := dashboardView{Total: s.st.chargesTotal}
	for _, tx := range s.st.recentTransactions(dashboardRows) {
		row := dashboardRow{
			Time:    checkoutDate(tx.created),
			Invoice: tx.invoice,
			Amount:  formatIDR(tx.amount),
			Brand:   tx.card.brand,
			Masked:  tx.card.masked(),
			Type:    tx.paymentType,
			Status:  tx.status,
		}
		var notifications []*notification
		if tx.more != nil {
			notifications = tx.more.notifications
		}
		for _, n := range notifications {
			for _, a := range n.attempts {
				result := fmt.Sprint(a.status)
				if a.err != "" {
					result = "error"
				}
				row.Notifications = append(row.Notifications,
					fmt.Sprintf("%s %s → %s", checkoutDate(a.at), n.status, result))
			}
			if len(n.attempts) == 0 {
				row.Notifications = append(row.Notifications, n.status+" queued")
			}
		}
		view.Rows = append(view.Rows, row)
	}
	s.mu.Unlock()
	s.render(w, http.StatusOK, pageDashboard, view)
}

// recentTransactions is the latest n transactions, newest first, from the
// newest records (and the few still held there, unsettled) or, when those
// have fewer, the compacted ones.
func (st *state) recentTransactions(n int) []*transaction {
	var out []*transaction
	j := &st.journal
	for _, rs := range [][]record{j.full, j.held, j.compacted} {
		found := 0
		for i := len(rs) - 1; i >= 0 && found < n; i-- {
			if tx, ok := rs[i].(*transaction); ok {
				out = append(out, tx)
				found++
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *transaction) int { return b.created.Compare(a.created) })
	return out[:min(n, len(out))]
}
