package store

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// EnqueueMails writes a batch in one transaction: new keys are written and
// get their ids, a key already there is left as it was.
func TestEnqueueMailsWritesNewKeysOnce(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	first := &OutboxMail{Key: "receipt:1", Kind: "receipt", Recipient: "a@example.com", Subject: "one", Message: []byte("one")}
	if ok, err := st.EnqueueMail(ctx, first); err != nil || !ok || first.ID == 0 {
		t.Fatalf("EnqueueMail: %v, %v, id %d", ok, err, first.ID)
	}
	batch := []*OutboxMail{
		{Key: "receipt:2", Kind: "receipt", Recipient: "b@example.com", Subject: "two", Message: []byte("two")},
		{Key: "receipt:1", Kind: "receipt", Recipient: "x@example.com", Subject: "again", Message: []byte("again")},
		{Key: "receipt:3", Kind: "receipt", Recipient: "c@example.com", Subject: "three", Message: []byte("three")},
	}
	n, err := st.EnqueueMails(ctx, batch)
	if err != nil || n != 2 {
		t.Fatalf("EnqueueMails = %d, %v; want 2 new", n, err)
	}
	if batch[0].ID == 0 || batch[2].ID == 0 || batch[1].ID != 0 || batch[0].Status != MailPending {
		t.Fatalf("ids %d %d %d, status %q: want the new two set, the repeat 0", batch[0].ID, batch[1].ID, batch[2].ID, batch[0].Status)
	}
	due, err := st.DueMails(ctx, st.now(), 10)
	if err != nil || len(due) != 3 {
		t.Fatalf("due mails: %d, %v; want 3", len(due), err)
	}
	for _, m := range due {
		if m.Key == "receipt:1" && m.Subject != "one" {
			t.Errorf("the repeated key overwrote the first mail: %q", m.Subject)
		}
	}
	if n, err := st.EnqueueMails(ctx, nil); n != 0 || err != nil {
		t.Errorf("empty batch: %d, %v", n, err)
	}
}

// The catch-up reads only the paid orders whose receipt is not queued yet:
// under load, re-composing every receipt the hand-over already wrote was
// most of the sender's work.
func TestOrdersMovedToSkipsThoseWithTheirMail(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	var paid []int64
	for _, k := range []string{"m1", "m2", "m3"} {
		o := newOrder(t, st, k)
		if ok, err := st.Transition(ctx, o.ID, Step{From: []Status{StatusCreated}, To: StatusSuccess, Move: "paid", Reason: "test", EndChecks: true}); !ok || err != nil {
			t.Fatalf("pay %s: %v %v", k, ok, err)
		}
		paid = append(paid, o.ID)
	}
	if _, err := st.EnqueueMail(ctx, &OutboxMail{Key: "receipt:" + strconv.FormatInt(paid[1], 10), OrderID: paid[1], Kind: "receipt",
		Recipient: "ani@example.com", Subject: "s", Message: []byte("m")}); err != nil {
		t.Fatal(err)
	}
	ids, last, more, err := st.OrdersMovedTo(ctx, StatusSuccess, "receipt:", 0, st.now().Add(time.Minute), 100)
	if err != nil || last == 0 || more {
		t.Fatalf("OrdersMovedTo: %v, last %d, more %v", err, last, more)
	}
	if len(ids) != 2 || ids[0] != paid[0] || ids[1] != paid[2] {
		t.Fatalf("orders without their receipt = %v, want %v and %v", ids, paid[0], paid[2])
	}
	// A batch of one: more may follow. An event after until: not read.
	if _, first, more, err := st.OrdersMovedTo(ctx, StatusSuccess, "receipt:", 0, st.now().Add(time.Minute), 1); err != nil || first == 0 || first >= last || !more {
		t.Fatalf("limit 1: last %d (of %d), more %v, %v", first, last, more, err)
	}
	if ids, at, more, err := st.OrdersMovedTo(ctx, StatusSuccess, "receipt:", 0, st.now().Add(-time.Hour), 100); err != nil || len(ids) != 0 || at != 0 || more {
		t.Fatalf("events all after until: %v, last %d, more %v, %v", ids, at, more, err)
	}
}
