package handlers_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"doku-checkout/app/apptest"
	"doku-checkout/store"
)

func pngBytes() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	return buf.Bytes()
}

// A product is added with an image checked by its content (a text file
// named .png is refused, with the other input kept), shows in the shop,
// and the change is audited.
func TestAdminProductWithImage(t *testing.T) {
	a := apptest.Start(t)
	b := apptest.NewStaff(t, a, "clerk@example.com", store.RoleStaff)
	fields := map[string]string{"name": "Tenun Ikat", "description": "Hand-woven", "price": "350.000", "stock": "3"}
	b.Get("/admin/products/new").PostMultipart("/admin/products/new", fields, "image", "fake.png", []byte("not an image, just text"))
	if b.Resp.StatusCode != http.StatusUnprocessableEntity || b.Count("field-error") != 1 || b.Doc.Find("#name").AttrOr("value", "") != "Tenun Ikat" {
		t.Fatalf("text named .png: %d with %d field errors; want 422, one error, input kept", b.Resp.StatusCode, b.Count("field-error"))
	}
	b.PostMultipart("/admin/products/new", fields, "image", "photo.bin", pngBytes())
	if b.Resp.StatusCode != http.StatusOK || b.Path() != "/admin/products" || b.Count("flash") != 1 {
		t.Fatalf("create: %d at %s\n%s", b.Resp.StatusCode, b.Path(), b.Body)
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
	img := b.Get("/images/" + strings.TrimPrefix(p.Image, "upload/"))
	if img.Resp.StatusCode != http.StatusOK || !bytes.Equal([]byte(img.Body), pngBytes()) {
		t.Errorf("image: %d, %d bytes", img.Resp.StatusCode, len(img.Body))
	}
	shop := apptest.NewShopper(t, a).Get("/")
	if !strings.Contains(shop.Body, "Tenun Ikat") {
		t.Error("the new product is not in the shop")
	}
	if got := a.AuditActions(t, "product:"+itoa(p.ID)); len(got) != 1 || got[0] != "product.create" {
		t.Errorf("audit = %v, want [product.create]", got)
	}
}
