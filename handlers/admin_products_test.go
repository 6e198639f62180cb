package handlers_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"doku-checkout/store"
)

// postMultipart sends the product form with an image file.
func (b *browser) postMultipart(path string, fields map[string]string, fileName string, file []byte) *browser {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	w.WriteField("csrf", b.csrf())
	if file != nil {
		fw, _ := w.CreateFormFile("image", fileName)
		fw.Write(file)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.abs(path), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func pngBytes() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	return buf.Bytes()
}

// A product is added with an image checked by its content (a text file
// named .png is refused, with the other input kept), shows in the shop,
// and the change is audited.
func TestAdminProductWithImage(t *testing.T) {
	a := newAdminApp(t, nil)
	b := a.account(t, "clerk@example.com", store.RoleStaff)
	fields := map[string]string{"name": "Tenun Ikat", "description": "Hand-woven", "price": "350.000", "stock": "3"}
	b.get("/admin/products/new").postMultipart("/admin/products/new", fields, "fake.png", []byte("not an image, just text"))
	if b.status() != http.StatusUnprocessableEntity || b.count("field-error") != 1 || b.doc.Find("#name").AttrOr("value", "") != "Tenun Ikat" {
		t.Fatalf("text named .png: %d with %d field errors; want 422, one error, input kept", b.status(), b.count("field-error"))
	}
	b.postMultipart("/admin/products/new", fields, "photo.bin", pngBytes())
	if b.status() != http.StatusOK || b.path() != "/admin/products" || b.count("flash") != 1 {
		t.Fatalf("create: %d at %s\n%s", b.status(), b.path(), b.body)
	}
	list, _ := a.Store.AdminProducts(context.Background())
	var p store.AdminProduct
	for _, x := range list {
		if x.Name == "Tenun Ikat" {
			p = x
		}
	}
	if p.PriceIDR != 350000 || p.Stock == nil || *p.Stock != 3 || !strings.HasPrefix(p.Image, "upload/") || !strings.HasSuffix(p.Image, ".png") {
		t.Fatalf("product = %+v, want price 350000, stock 3, an uploaded .png", p)
	}
	img := b.get("/images/" + strings.TrimPrefix(p.Image, "upload/"))
	if img.status() != http.StatusOK || !bytes.Equal([]byte(img.body), pngBytes()) {
		t.Errorf("image: %d, %d bytes", img.status(), len(img.body))
	}
	shop := a.browser(t).get("/")
	if !strings.Contains(shop.body, "Tenun Ikat") {
		t.Error("the new product is not in the shop")
	}
	if got := a.auditActions(t, "product:"+itoa(p.ID)); len(got) != 1 || got[0] != "product.create" {
		t.Errorf("audit = %v, want [product.create]", got)
	}
}
