"""A page's article photos: the album of a fetched page, without the site's logos and pixels."""

from __future__ import annotations

from bot.ingest.formats import parse_html
from bot.ingest.page_images import PAGE_IMAGES, page_images

BASE = "https://news.example.org/2026/ferry.html"

PAGE = """<!doctype html><html lang="en"><head><title>The night ferry returns</title>
<meta property="og:image" content="https://cdn.example.org/ferry-lead.jpg"></head><body>
<header><img src="/static/site-logo.png" alt="News"><img src="/img/masthead.jpg"></header>
<nav><img src="/img/menu-photo.jpg"></nav>
<article><h1>The night ferry returns</h1>
<p>The harbour council of Porto Velho voted on Monday to bring back the night ferry to the islands,
after fishermen and nurses had asked for a later crossing for years.</p>
<figure><img src="/photos/quay.jpg" width="1200" height="800" alt="The quay"></figure>
<p>The first crossing leaves at eleven in the evening and returns before dawn, the council said.</p>
<img src="data:image/gif;base64,R0lGOD" data-src="/photos/deck.jpg" alt="The deck">
<img srcset="/photos/captain-640.jpg 640w, /photos/captain-1280.jpg 1280w" alt="The captain">
<img src="https://track.example.net/pixel.gif" width="1" height="1">
<img src="/photos/author-avatar.jpg"><img src="/icons/share.svg"><img src="/photos/tiny.jpg" width="40">
<img src="/photos/quay.jpg">
</article>
<aside><img src="/photos/related-story.jpg"></aside>
<footer><img src="/img/footer.jpg"></footer></body></html>"""


def test_only_the_articles_photos_count_lead_first_without_logos_pixels_or_repeats() -> None:
    assert page_images(PAGE, base_url=BASE, lead="https://cdn.example.org/ferry-lead.jpg") == (
        "https://cdn.example.org/ferry-lead.jpg",
        "https://news.example.org/photos/quay.jpg",
        "https://news.example.org/photos/deck.jpg",
        "https://news.example.org/photos/captain-640.jpg",
    )


def test_a_page_without_an_article_element_takes_the_body_outside_its_chrome() -> None:
    page = """<html><body><header><img src="/logo.jpg"></header><div class="story">
    <img src="/photos/one.jpg"><p>Text</p><img src="photos/two.jpg"></div>
    <footer><img src="/photos/footer.jpg"></footer></body></html>"""
    assert page_images(page, base_url=BASE) == (
        "https://news.example.org/photos/one.jpg",
        "https://news.example.org/2026/photos/two.jpg",
    )


def test_at_most_one_albums_worth_and_a_logo_is_no_lead() -> None:
    photos = "".join(f'<img src="/photos/{n}.jpg">' for n in range(15))
    found = page_images(f"<article>{photos}</article>", base_url=BASE, lead="/img/logo.png")
    assert len(found) == PAGE_IMAGES
    assert found[0] == "https://news.example.org/photos/0.jpg"


def test_a_parsed_page_carries_its_photos_for_an_album() -> None:
    article = parse_html(PAGE, source="page", url=BASE)
    assert article.image == "https://cdn.example.org/ferry-lead.jpg"
    assert len(article.images) == 4 and article.images[0] == article.image
