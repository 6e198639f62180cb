package sandbox

import "net/http"

type captureRequest struct {
	Payment struct {
		AuthorizeID   string `json:"authorize_id"`
		CaptureAmount *int64 `json:"capture_amount"`
	} `json:"payment"`
}

type captureResponse struct {
	Order   orderOut   `json:"order"`
	Payment captureOut `json:"payment"`
}

type captureOut struct {
	AuthorizeID     string `json:"authorize_id"`
	CaptureAmount   int64  `json:"capture_amount"`
	RequestID       string `json:"request_id"`
	Status          string `json:"status"`
	ResponseCode    string `json:"response_code"`
	ResponseMessage string `json:"response_message"`
}

// capture is POST /credit-card/capture: one capture per authorization, of
// capture_amount (1..authorized) or the full amount.
func (s *Server) capture(req *apiRequest) apiResponse {
	var in captureRequest
	if e := decodeObject(req, &in); e != nil {
		return *e
	}
	var v validator
	v.required("payment.authorize_id", in.Payment.AuthorizeID, maxToken)
	if in.Payment.CaptureAmount != nil {
		v.amount("payment.capture_amount", *in.Payment.CaptureAmount)
	}
	if v.resp != nil {
		return *v.resp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := s.st.txByAuthorizeID[in.Payment.AuthorizeID]
	if tx == nil {
		return errorResponse(http.StatusNotFound, codeTransactionMissing, msgAuthorizeNotFound)
	}
	if tx.status != statusSuccess || tx.captured > 0 || tx.refunded > 0 {
		return fieldError("payment.authorize_id", reasonNotAuthorize)
	}
	amount := tx.amount
	if in.Payment.CaptureAmount != nil {
		amount = *in.Payment.CaptureAmount
	}
	if amount > tx.amount {
		return fieldError("payment.capture_amount", reasonCaptureAmount)
	}
	tx.captured = amount
	tx.updated = s.now()
	return jsonResponse(http.StatusOK, captureResponse{
		Order: orderOut{InvoiceNumber: tx.invoice, Amount: tx.amount},
		Payment: captureOut{
			AuthorizeID:     tx.authorizeID,
			CaptureAmount:   amount,
			RequestID:       req.requestID,
			Status:          statusSuccess,
			ResponseCode:    rcApproved,
			ResponseMessage: rmApproved,
		},
	})
}
