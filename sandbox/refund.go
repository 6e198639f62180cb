package sandbox

import "net/http"

type refundRequest struct {
	Order struct {
		InvoiceNumber string `json:"invoice_number"`
	} `json:"order"`
	Payment struct {
		OriginalRequestID string `json:"original_request_id"`
	} `json:"payment"`
	Refund struct {
		Amount int64 `json:"amount"`
	} `json:"refund"`
}

type refundResponse struct {
	Order   orderOut      `json:"order"`
	Payment refundPayment `json:"payment"`
	Refund  refundOut     `json:"refund"`
}

type refundPayment struct {
	OriginalRequestID string `json:"original_request_id"`
	RequestID         string `json:"request_id"`
	Status            string `json:"status"`
	ResponseCode      string `json:"response_code"`
	ResponseMessage   string `json:"response_message"`
}

type refundOut struct {
	Amount        int64  `json:"amount"`
	Status        string `json:"status"`
	TotalRefunded int64  `json:"total_refunded"`
	Remaining     int64  `json:"remaining"`
}

// Refusal reasons of the refund endpoint (OUR CHOICE, doku-api.md §7).
const (
	reasonVoidWhole = "must be the whole authorized amount to void an authorization not captured"
	reasonVoided    = "was voided: nothing is left to refund"
)

// refund is POST /cancellation/credit-card/refund: partial and repeated
// refunds up to the charged (or captured) amount. On an AUTHORIZE charge not
// yet captured it is a void (DOKU's one endpoint does both): of the whole
// amount only, after which nothing can be captured or refunded. The
// transaction reads REFUNDED once nothing is left, and that is notified.
func (s *Server) refund(req *apiRequest) apiResponse {
	var in refundRequest
	if e := decodeObject(req, &in); e != nil {
		return *e
	}
	var v validator
	v.required("order.invoice_number", in.Order.InvoiceNumber, maxInvoiceCheckout)
	v.required("payment.original_request_id", in.Payment.OriginalRequestID, maxRequestIDLen)
	v.amount("refund.amount", in.Refund.Amount)
	if v.resp != nil {
		return *v.resp
	}
	resp, changed := s.applyRefund(req, in)
	if changed != nil {
		s.notify(changed)
	}
	return resp
}

// applyRefund checks and books a refund or void under s.mu; changed is the
// transaction when its status changed (to be notified).
func (s *Server) applyRefund(req *apiRequest, in refundRequest) (apiResponse, *transaction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := s.st.txByRequestID[in.Payment.OriginalRequestID]
	if tx == nil {
		return errorResponse(http.StatusNotFound, codeTransactionMissing, msgOriginalNotFound), nil
	}
	if tx.invoice != in.Order.InvoiceNumber {
		return fieldError("order.invoice_number", reasonRefundInvoice), nil
	}
	uncaptured := tx.paymentType == paymentAuthorize && tx.captured == 0
	if uncaptured && tx.status == statusRefunded {
		return fieldError("payment.original_request_id", reasonVoided), nil
	}
	if tx.status != statusSuccess && tx.status != statusRefunded {
		return fieldError("payment.original_request_id", reasonNotRefundable), nil
	}
	limit := tx.amount
	if tx.captured > 0 {
		limit = tx.captured
	}
	if uncaptured && in.Refund.Amount != tx.amount {
		return fieldError("refund.amount", reasonVoidWhole), nil
	}
	if tx.refunded+in.Refund.Amount > limit {
		return fieldError("refund.amount", reasonRefundAmount), nil
	}
	tx.refunded += in.Refund.Amount
	tx.updated = s.now()
	var changed *transaction
	if tx.refunded == limit {
		tx.status = statusRefunded
		changed = tx
	}
	return jsonResponse(http.StatusOK, refundResponse{
		Order: orderOut{InvoiceNumber: tx.invoice, Amount: tx.amount},
		Payment: refundPayment{
			OriginalRequestID: tx.requestID,
			RequestID:         req.requestID,
			Status:            statusSuccess,
			ResponseCode:      rcApproved,
			ResponseMessage:   rmApproved,
		},
		Refund: refundOut{
			Amount:        in.Refund.Amount,
			Status:        statusSuccess,
			TotalRefunded: tx.refunded,
			Remaining:     limit - tx.refunded,
		},
	}), changed
}
