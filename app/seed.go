package app

import "doku-checkout/store"

// demoCatalog is the catalog a new database starts with.
var demoCatalog = []store.Product{
	{Name: "Batik Shirt Parang", Description: "Hand-stamped cotton batik from Solo, long sleeves.", PriceIDR: 350000, Image: "batik-shirt.svg"},
	{Name: "Kopi Gayo 250 g", Description: "Single-origin arabica from the Gayo highlands, medium roast.", PriceIDR: 85000, Image: "kopi-gayo.svg"},
	{Name: "Sambal Bawang", Description: "Fried shallot and chilli sambal, 200 g jar.", PriceIDR: 45000, Image: "sambal.svg"},
	{Name: "Rattan Bag", Description: "Round woven rattan bag from Lombok.", PriceIDR: 275000, Image: "rattan-bag.svg"},
	{Name: "Teh Melati", Description: "Jasmine tea, 50 bags, from Central Java.", PriceIDR: 30000, Image: "tea.svg"},
	{Name: "Wayang Kulit Arjuna", Description: "Hand-carved leather shadow puppet, 60 cm.", PriceIDR: 1250000, Image: "wayang.svg"},
}
