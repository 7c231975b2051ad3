//! The catalog service's answers read field by field (`web_kit::decode`): a page of
//! products, one product and the categories are all this MFE decodes, and serde's derived
//! visitors for them were several KB of its download (issue 16). Same fields and rules as
//! the derived `Deserialize` of `contracts::catalog`.

use contracts::catalog::{Category, Money, ProductDetail, ProductPage, ProductRating, ProductSummary};
use wasm_bindgen::JsValue;
use web_kit::decode::{Decode, Fields};

/// A `ProductPage`.
pub fn product_page(value: JsValue) -> Result<ProductPage, String> {
    let page = Fields::of(value, "ProductPage")?;
    Ok(ProductPage {
        items: page.list("items", |item| summary(&Fields::of(item, "ProductSummary")?))?,
        page: page.u32("page")?,
        limit: page.u32("limit")?,
        total: page.u64("total")?,
        last_page: page.u32("lastPage")?,
    })
}

/// A `ProductDetail`: a summary's fields with the category's name and the description, in one
/// flat object.
pub fn product_detail(value: JsValue) -> Result<ProductDetail, String> {
    let detail = Fields::of(value, "ProductDetail")?;
    Ok(ProductDetail {
        summary: summary(&detail)?,
        category_name: detail.string("categoryName")?,
        description: detail.string("description")?,
    })
}

/// The categories, read by the decoder the shell uses for its navigation too.
pub fn categories(value: JsValue) -> Result<Vec<Category>, String> {
    Vec::<Category>::decode(value)
}

/// A `ProductSummary`'s fields of `fields`.
fn summary(fields: &Fields) -> Result<ProductSummary, String> {
    Ok(ProductSummary {
        id: fields.i64("id")?,
        name: fields.string("name")?,
        category: fields.string("category")?,
        price: money(fields.get("price"))?,
        image_url: fields.string("imageUrl")?,
        rating: fields.defaulted("rating", rating)?,
    })
}

fn money(value: JsValue) -> Result<Money, String> {
    let money = Fields::of(value, "price")?;
    if money.string("currency")? != "EUR" {
        return Err("unknown currency in `currency`".into());
    }
    Ok(Money::eur(money.i64("cents")?))
}

fn rating(value: JsValue) -> Result<ProductRating, String> {
    let rating = Fields::of(value, "rating")?;
    Ok(ProductRating {
        average: rating.f64("average")?,
        count: rating.u32("count")?,
        revision: rating.u64("revision")?,
    })
}
