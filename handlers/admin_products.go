package handlers

import (
	"bytes"
	"errors"
	"image"
	_ "image/jpeg" // decoders for the upload check
	_ "image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	_ "golang.org/x/image/webp"

	"doku-checkout/payment"
	"doku-checkout/route"
	"doku-checkout/store"
	"doku-checkout/views"
)

// maxImageBytes bounds an uploaded product image.
const maxImageBytes = 2 << 20

// uploadPrefix marks a product image uploaded in the back office (served
// from ImageDir); other images are the demo's, in static/img.
const uploadPrefix = "upload/"

// ProductImageURL is where a product's image is served.
func ProductImageURL(staticPrefix, image string) string {
	if name, ok := strings.CutPrefix(image, uploadPrefix); ok {
		return route.ProductImagePath(name)
	}
	return staticPrefix + "img/" + image
}

// AdminProducts renders GET /admin/products.
func (a *Admin) AdminProducts(c echo.Context) error {
	list, err := a.store.AdminProducts(c.Request().Context())
	if err != nil {
		return err
	}
	v := views.AdminProductsView{AdminPage: a.page(c, "Products")}
	for _, p := range list {
		stock := "not counted"
		if p.Stock != nil {
			stock = strconv.FormatInt(*p.Stock, 10)
		}
		v.Products = append(v.Products, views.AdminProductRow{ID: p.ID, Name: p.Name, PriceText: views.IDR(p.PriceIDR), StockText: stock,
			Archived: p.Archived, URL: route.AdminProductPath(p.ID), ImageURL: ProductImageURL(v.StaticPrefix, p.Image)})
	}
	return render(c, http.StatusOK, views.AdminProductsPage(v))
}

// AdminProductNew renders GET /admin/products/new.
func (a *Admin) AdminProductNew(c echo.Context) error {
	return render(c, http.StatusOK, views.AdminProductPage(views.AdminProductView{AdminPage: a.page(c, "New product"), Action: route.AdminProductNew}))
}

// AdminProductEdit renders GET /admin/products/{id}.
func (a *Admin) AdminProductEdit(c echo.Context) error {
	p, err := a.productParam(c)
	if err != nil {
		return err
	}
	v := views.AdminProductView{AdminPage: a.page(c, p.Name), ID: p.ID, Action: route.AdminProductPath(p.ID), Form: productForm(p)}
	v.ImageURL = ProductImageURL(v.StaticPrefix, p.Image)
	return render(c, http.StatusOK, views.AdminProductPage(v))
}

func (a *Admin) productParam(c echo.Context) (store.AdminProduct, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.AdminProduct{}, store.ErrNotFound
	}
	return a.store.AdminProduct(c.Request().Context(), id)
}

func productForm(p store.AdminProduct) views.AdminProductForm {
	f := views.AdminProductForm{Name: p.Name, Description: p.Description, Price: strconv.FormatInt(p.PriceIDR, 10), Archived: p.Archived}
	if p.Stock != nil {
		f.Stock = strconv.FormatInt(*p.Stock, 10)
	}
	return f
}

// AdminProductCreate handles POST /admin/products/new.
func (a *Admin) AdminProductCreate(c echo.Context) error {
	return a.saveProduct(c, store.AdminProduct{})
}

// AdminProductUpdate handles POST /admin/products/{id} (archive included).
func (a *Admin) AdminProductUpdate(c echo.Context) error {
	p, err := a.productParam(c)
	if err != nil {
		return err
	}
	return a.saveProduct(c, p)
}

// saveProduct validates the form (and the image by its content, never its
// name), then writes the product and audits the change.
func (a *Admin) saveProduct(c echo.Context, before store.AdminProduct) error {
	f := views.AdminProductForm{Name: strings.TrimSpace(c.FormValue("name")), Description: strings.TrimSpace(c.FormValue("description")),
		Price: strings.TrimSpace(c.FormValue("price")), Stock: strings.TrimSpace(c.FormValue("stock")), Archived: c.FormValue("archived") != ""}
	errs := views.FieldErrors{}
	p := before
	p.Name, p.Description, p.Archived = f.Name, f.Description, f.Archived
	if f.Name == "" || utf8.RuneCountInString(f.Name) > 255 {
		errs["name"] = "Enter a name of at most 255 characters."
	}
	if utf8.RuneCountInString(f.Description) > 2000 {
		errs["description"] = "Keep the description under 2000 characters."
	}
	price, ok := parseRupiah(f.Price)
	if !ok || price <= 0 || price > payment.MaxAmountIDR {
		errs["price"] = "Enter a price in whole rupiah, from 1 to 999.999.999.999."
	}
	p.PriceIDR = price
	p.Stock = nil
	if f.Stock != "" {
		n, err := strconv.ParseInt(f.Stock, 10, 64)
		if err != nil || n < 0 || n > 1_000_000 {
			errs["stock"] = "Enter how many are in stock (0 or more), or leave it empty not to count."
		}
		p.Stock = &n
	}
	img, imgErr := readImage(c)
	if imgErr != "" {
		errs["image"] = imgErr
	}
	if before.ID == 0 && img == nil && imgErr == "" {
		errs["image"] = "Choose a JPEG, PNG or WebP image."
	}
	if len(errs) > 0 {
		v := views.AdminProductView{AdminPage: a.page(c, "Product"), ID: before.ID, Form: f, Errors: errs, FormError: "Please correct the fields marked below."}
		v.Action = route.AdminProductNew
		if before.ID != 0 {
			v.Action, v.ImageURL = route.AdminProductPath(before.ID), ProductImageURL(v.StaticPrefix, before.Image)
		}
		return render(c, http.StatusUnprocessableEntity, views.AdminProductPage(v))
	}
	if img != nil {
		name := randomID() + img.ext
		if err := os.MkdirAll(a.cfg.ImageDir, 0o750); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(a.cfg.ImageDir, name), img.data, 0o640); err != nil {
			return err
		}
		p.Image = uploadPrefix + name
	}
	ctx := c.Request().Context()
	action, flash := "product.update", "saved"
	if before.ID == 0 {
		if err := a.store.CreateProduct(ctx, &p); err != nil {
			return err
		}
		action, flash = "product.create", "created"
	} else if err := a.store.UpdateProduct(ctx, p); err != nil {
		return err
	}
	var old any
	if before.ID != 0 {
		old = productForm(before)
	}
	if err := a.audit(c, action, "product:"+strconv.FormatInt(p.ID, 10), old, productForm(p)); err != nil {
		return err
	}
	return a.redirectFlash(c, route.AdminProducts, flash)
}

type upload struct {
	data []byte
	ext  string
}

// readImage reads the optional "image" upload and checks its content:
// sniffed type JPEG, PNG or WebP, and it must decode as that image.
func readImage(c echo.Context) (*upload, string) {
	fh, err := c.FormFile("image")
	if errors.Is(err, http.ErrMissingFile) || (err == nil && fh.Size == 0) {
		return nil, ""
	}
	if err != nil {
		return nil, "The image could not be read; try again."
	}
	if fh.Size > maxImageBytes {
		return nil, "The image is larger than 2 MB."
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "The image could not be read; try again."
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImageBytes+1))
	if err != nil || len(data) > maxImageBytes {
		return nil, "The image is larger than 2 MB."
	}
	ext := map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}[http.DetectContentType(data)]
	if ext == "" {
		return nil, "Choose a JPEG, PNG or WebP image."
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "."+format != strings.Replace(ext, "jpg", "jpeg", 1) || cfg.Width > 8000 || cfg.Height > 8000 {
		return nil, "The file is not a valid JPEG, PNG or WebP image."
	}
	return &upload{data: data, ext: ext}, ""
}

// ProductImage serves GET /images/{name}: uploaded product images.
func (a *Admin) ProductImage(c echo.Context) error {
	name := c.Param("name")
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return store.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	return c.File(filepath.Join(a.cfg.ImageDir, name))
}

// isProductUpload skips the router's 64 KB body limit for the product
// form, which has its own (images up to 2 MB).
func isProductUpload(c echo.Context) bool {
	p := c.Request().URL.Path
	return c.Request().Method == http.MethodPost && strings.HasPrefix(p, route.AdminProducts+"/")
}
