"""Verified reviews: only a buyer reviews, once per shipped line; staff moderate; the vendor
replies once; ratings on products and vendors stay exact; the product page's cache follows."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from agora.catalog.models import Product
from agora.notifications.models import Notification
from agora.reviews import services
from agora.reviews.models import Review
from agora.reviews.tests.conftest import buy, ship
from agora.vendors.models import Vendor
from testing.clients import client_for
from testing.outbox import deliver_all

pytestmark = pytest.mark.django_db

GOOD = {"rating": 5, "title": "Lovely warm light", "body": "Bright enough to read by, and the brass is beautiful."}


def write(bought, line=None, **over):
    return bought.client.post(
        "/api/v1/me/reviews/", {"order_line": (line or bought.lamp).pk, **GOOD, **over}, format="json"
    )


def product_of(line) -> Product:
    return Product.objects.get(slug=line.product_slug)


def approve(staff_client, review_id):
    r = staff_client.post(f"/api/v1/moderation/reviews/{review_id}/approve/")
    assert r.status_code == 200, r.content
    return r.json()


def png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


def test_a_buyer_reviews_a_shipped_line_and_it_waits_for_staff(bought, api_client):
    # when Ada reviews the lamp that shipped
    r = write(bought)

    # then the review is hers, pending, and not public yet
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "pending" and body["author"] == "Ada L." and body["verified_purchase"] is True
    assert body["product"] == {"slug": bought.lamp.product_slug, "name": bought.lamp.product_name}
    assert body["order_number"] == bought.order.number and body["variant_name"] == "Brass"
    assert body["actions"] == ["edit", "delete", "add_photo"]
    public = api_client.get(f"/api/v1/products/{bought.lamp.product_slug}/reviews/").json()
    assert public["count"] == 0 and public["rating"]["count"] == 0
    assert product_of(bought.lamp).rating_count == 0


def test_a_line_that_has_not_shipped_or_is_someone_elses_cannot_be_reviewed(bought, make_user):
    r = write(bought, line=bought.shade)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_reviewable"
    other = client_for(make_user()).post("/api/v1/me/reviews/", {"order_line": bought.lamp.pk, **GOOD}, format="json")
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
    assert not Review.objects.exists()


def test_one_review_per_purchased_line(bought):
    assert write(bought).status_code == 201
    again = write(bought, title="Second thoughts")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_reviewed"
    assert Review.objects.count() == 1
    # buying the lamp again gives a new line to review
    second = buy(bought.shopper, bought.lamp.variant)
    line = second.lines.get()
    ship(line)
    assert write(bought, line=line, rating=4).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"rating": 0},
        {"rating": 6},
        {"rating": "five"},
        {"title": ""},
        {"body": "x" * 5001},
        {"status": "published"},
        {"order_line": "abc"},
    ],
)
def test_bad_reviews_are_400_and_change_nothing(bought, body):
    r = write(bought, **body)
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error"
    assert not Review.objects.exists()


def test_staff_approval_publishes_it_and_the_ratings_follow_exactly(
    bought, staff_client, api_client, make_user, django_capture_on_commit_callbacks
):
    # given three buyers' reviews of the lamp: 5, 4 and 2 stars
    ids = [write(bought).json()["id"]]
    for stars in (4, 2):
        shopper = make_user()
        line = buy(shopper, bought.lamp.variant).lines.get()
        ship(line)
        r = client_for(shopper).post(
            "/api/v1/me/reviews/", {"order_line": line.pk, **GOOD, "rating": stars}, format="json"
        )
        ids.append(r.json()["id"])
    slug = bought.lamp.product_slug
    api_client.get(f"/api/v1/products/{slug}/")  # the page is cached before the approvals

    # when staff publish all three (the caches are renewed when each commits)
    with django_capture_on_commit_callbacks(execute=True):
        for pk in ids:
            approve(staff_client, pk)

    # then the product and the vendor show 11/3 = 3.67 over 3 reviews, everywhere
    page = api_client.get(f"/api/v1/products/{slug}/").json()
    assert (page["rating_average"], page["rating_count"]) == ("3.67", 3)
    assert api_client.get(f"/api/v1/vendors/{bought.vendor.slug}/").json()["rating_average"] == "3.67"
    listed = api_client.get(f"/api/v1/products/?vendor={bought.vendor.slug}&ordering=-rating").json()["results"]
    assert listed[0]["slug"] == slug and listed[0]["rating_count"] == 3
    reviews = api_client.get(f"/api/v1/products/{slug}/reviews/?ordering=-rating").json()
    assert [r["rating"] for r in reviews["results"]] == [5, 4, 2]
    assert reviews["rating"] == {
        "average": "3.67",
        "count": 3,
        "stars": [
            {"stars": 5, "count": 1},
            {"stars": 4, "count": 1},
            {"stars": 3, "count": 0},
            {"stars": 2, "count": 1},
            {"stars": 1, "count": 0},
        ],
    }

    # when staff reject the 2-star one and Ada deletes hers
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/api/v1/moderation/reviews/{ids[2]}/reject/", {"reason": "Off topic."}, format="json")
        assert bought.client.delete(f"/api/v1/me/reviews/{ids[0]}/").status_code == 204

    # then only the 4-star review counts
    page = api_client.get(f"/api/v1/products/{slug}/").json()
    assert (page["rating_average"], page["rating_count"]) == ("4.00", 1)
    vendor = Vendor.objects.get(pk=bought.vendor.pk)
    assert (vendor.rating_average, vendor.rating_count) == (Decimal("4.00"), 1)
    assert api_client.get(f"/api/v1/products/{slug}/reviews/").json()["count"] == 1


def test_the_author_edits_and_an_edit_goes_back_to_staff(bought, staff_client, make_user):
    pk = write(bought).json()["id"]
    approve(staff_client, pk)

    r = bought.client.patch(f"/api/v1/me/reviews/{pk}/", {"rating": 3, "title": "Dimmer than I hoped"}, format="json")

    assert r.status_code == 200 and r.json()["status"] == "pending" and r.json()["edited"] is True
    product = product_of(bought.lamp)
    assert product.rating_count == 0  # out of the ratings until staff look again
    approve(staff_client, pk)
    assert product_of(bought.lamp).rating_average == Decimal("3.00")
    # another shopper cannot read, edit or delete it
    stranger = client_for(make_user())
    assert stranger.get(f"/api/v1/me/reviews/{pk}/").status_code == 404
    assert stranger.patch(f"/api/v1/me/reviews/{pk}/", {"rating": 1}, format="json").status_code == 404
    assert stranger.delete(f"/api/v1/me/reviews/{pk}/").status_code == 404
    assert Review.objects.get(pk=pk).rating == 3


def test_links_and_held_words_are_held_even_without_premoderation(bought, settings, api_client, make_user):
    settings.REVIEWS_PREMODERATION = False
    settings.REVIEWS_HOLD_WORDS = ["casino", "refund scam"]
    assert services.screen("Great lamp. Visit www.cheap-lamps.example") == ["link"]
    assert services.screen("See https://x.test") == ["link"]
    assert services.screen("Won at the CASINO!") == ["word"]
    assert services.screen("a refund scam, they said") == ["word"]
    assert services.screen("It is 5.5cm wide, e.g. small; casinos aside") == []

    clean = write(bought)
    assert clean.json()["status"] == "published"
    assert product_of(bought.lamp).rating_count == 1

    shopper = make_user()
    line = buy(shopper, bought.lamp.variant).lines.get()
    ship(line)
    held = client_for(shopper).post(
        "/api/v1/me/reviews/", {"order_line": line.pk, **GOOD, "body": "Cheaper at lamps.shop"}, format="json"
    )
    assert held.json()["status"] == "pending"
    assert product_of(bought.lamp).rating_count == 1
    queue = client_for(make_user(is_staff=True)).get("/api/v1/moderation/reviews/").json()
    assert [(r["id"], r["hold_reasons"], r["actions"]) for r in queue["results"]] == [
        (held.json()["id"], ["link"], ["approve", "reject"])
    ]


def test_the_vendor_replies_once_and_the_shopper_is_emailed(
    bought, staff_client, api_client, make_user, django_capture_on_commit_callbacks
):
    pk = write(bought).json()["id"]
    # a pending review cannot be answered (the vendor does not even see it)
    r = bought.vendor_client.post(f"/api/v1/vendor/reviews/{pk}/reply/", {"text": "Thanks!"}, format="json")
    assert r.status_code == 404
    approve(staff_client, pk)
    listed = bought.vendor_client.get("/api/v1/vendor/reviews/").json()["results"]
    assert [(x["id"], x["actions"]) for x in listed] == [(pk, ["reply"])]
    slug = bought.lamp.product_slug
    api_client.get(f"/api/v1/products/{slug}/reviews/")  # cached before the reply

    with django_capture_on_commit_callbacks(execute=True):
        r = bought.vendor_client.post(f"/api/v1/vendor/reviews/{pk}/reply/", {"text": "Thank you, Ada!"}, format="json")

    assert r.status_code == 200 and r.json()["reply"]["text"] == "Thank you, Ada!" and r.json()["actions"] == []
    again = bought.vendor_client.post(f"/api/v1/vendor/reviews/{pk}/reply/", {"text": "Again"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_replied"
    assert api_client.get(f"/api/v1/products/{slug}/reviews/").json()["results"][0]["reply"]["text"] == (
        "Thank you, Ada!"
    )
    [email] = [m for m in deliver_all() if "answered your review" in m.subject]
    assert email.to == ["ada@example.com"]
    assert email.subject == f"Lumen Works answered your review of {bought.lamp.product_name}"
    assert "Thank you, Ada!" in email.body and f"#review-{pk}" in email.body
    assert Notification.objects.filter(template="review_replied").count() == 1
    # another vendor cannot answer it
    from agora.vendors.tests.factories import VendorMembershipFactory

    other = client_for(VendorMembershipFactory.create().user)
    assert other.post(f"/api/v1/vendor/reviews/{pk}/reply/", {"text": "x"}, format="json").status_code == 404
    assert len([m for m in mail.outbox if "answered your review" in m.subject]) == 1


def test_photos_are_checked_like_product_images(bought, settings):
    settings.REVIEWS_MAX_PHOTOS = 1
    pk = write(bought).json()["id"]
    url = f"/api/v1/me/reviews/{pk}/photos/"

    text = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    assert bought.client.post(url, {"image": text}, format="multipart").status_code == 415
    r = bought.client.post(url, {"image": png()}, format="multipart")
    assert r.status_code == 201 and r.json()["url"].startswith("/media/reviews/")
    full = bought.client.post(url, {"image": png()}, format="multipart")
    assert full.status_code == 409
    mine = bought.client.get(f"/api/v1/me/reviews/{pk}/").json()
    assert len(mine["photos"]) == 1 and mine["actions"] == ["edit", "delete"]
    services.photo_make_thumbnail(photo_id=mine["photos"][0]["id"])
    assert bought.client.get(f"/api/v1/me/reviews/{pk}/").json()["photos"][0]["thumbnail_url"].endswith(".webp")
    assert bought.client.delete(f"{url}{mine['photos'][0]['id']}/").status_code == 204
    assert bought.client.get(f"/api/v1/me/reviews/{pk}/").json()["photos"] == []


def test_purchases_say_what_can_be_reviewed(bought):
    r = bought.client.get(f"/api/v1/me/purchases/?order={bought.order.number}")
    assert [(p["order_line"], p["review_id"], p["actions"]) for p in r.json()["results"]] == [
        (bought.lamp.pk, None, ["review"])
    ]  # the shade has not shipped
    pk = write(bought).json()["id"]
    [purchase] = bought.client.get("/api/v1/me/purchases/").json()["results"]
    assert purchase["review_id"] == pk and purchase["actions"] == []
    # an order number that cannot be one finds nothing; one the database cannot hold is a 400
    assert bought.client.get(f"/api/v1/me/purchases/?order={bought.order.number}x").json()["results"] == []
    bad = bought.client.get("/api/v1/me/purchases/?order=AG-%00")
    assert bad.status_code == 400 and "order" in bad.json()["error"]["details"]


def test_public_reviews_of_a_hidden_product_are_404_and_cached_reads_cost_no_query(
    bought, staff_client, api_client, django_assert_max_num_queries
):
    approve(staff_client, write(bought).json()["id"])
    url = f"/api/v1/products/{bought.lamp.product_slug}/reviews/"
    with django_assert_max_num_queries(6):
        assert api_client.get(url).status_code == 200
    with django_assert_max_num_queries(0):
        assert api_client.get(url).json()["count"] == 1
    assert api_client.get("/api/v1/products/nothing-here/reviews/").status_code == 404
    assert api_client.get(f"{url}?ordering=best").status_code == 400


def test_an_erased_account_takes_its_reviews_and_their_stars_with_it(bought, staff_client):
    approve(staff_client, write(bought).json()["id"])
    assert product_of(bought.lamp).rating_count == 1
    from agora.accounts.tests.factories import PASSWORD

    ship(bought.shade)  # an account goes once its orders are delivered
    assert bought.client.delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204
    assert not Review.objects.exists()
    assert product_of(bought.lamp).rating_count == 0


def test_staff_moderate_in_the_admin_queue_with_held_ones_flagged(bought, admin_client, settings, make_user):
    from django.urls import reverse

    settings.REVIEWS_PREMODERATION = True
    clean = write(bought).json()["id"]
    shopper = make_user()
    line = buy(shopper, bought.lamp.variant).lines.get()
    ship(line)
    held = (
        client_for(shopper)
        .post("/api/v1/me/reviews/", {"order_line": line.pk, **GOOD, "body": "See lamps.shop"}, format="json")
        .json()["id"]
    )
    url = reverse("admin:reviews_review_changelist")

    # the queue lists both; the held filter shows only the one with a link, and why
    assert admin_client.get(url).status_code == 200
    page = admin_client.get(url + "?held=yes").content.decode()
    assert f"review/{held}/change/" in page and f"review/{clean}/change/" not in page
    detail = admin_client.get(reverse("admin:reviews_review_change", args=[held])).content.decode()
    assert "it contains a link" in detail

    # publishing counts it in the rating; rejecting needs a reason the author then sees
    admin_client.post(url, {"action": "approve", "_selected_action": [clean]})
    admin_client.post(url, {"action": "reject", "_selected_action": [held]})
    assert Review.objects.get(pk=held).status == Review.Status.PENDING
    admin_client.post(url, {"action": "reject", "_selected_action": [held], "reason": "No links, please."})

    assert Review.objects.get(pk=clean).status == Review.Status.PUBLISHED
    assert product_of(bought.lamp).rating_count == 1
    mine = client_for(shopper).get(f"/api/v1/me/reviews/{held}/").json()
    assert (mine["status"], mine["rejection_reason"]) == ("rejected", "No links, please.")


def test_review_moderators_see_the_authors_account_not_their_email_unless_they_may_see_accounts(bought, make_user):
    from django.urls import reverse

    from testing.clients import admin_client_with

    review = write(bought).json()["id"]
    email = bought.shopper.email
    page_url = reverse("admin:reviews_review_change", args=[review])
    list_url = reverse("admin:reviews_review_changelist")

    moderator = admin_client_with(make_user, "view_review", "change_review")
    page = moderator.get(page_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert email not in html, "a review moderator reads the author's email address"
    assert f"#{bought.shopper.pk}" in html, "they still tell the author's reviews apart"
    # nor can they find reviews by trying email addresses
    found = moderator.get(list_url, {"q": email}).content.decode()
    assert f"review/{review}/change/" not in found
    assert f"review/{review}/change/" in moderator.get(list_url, {"q": GOOD["title"]}).content.decode()

    # staff who may see accounts see and search the email, as before
    support = admin_client_with(make_user, "view_review", "change_review", "view_user")
    assert email in support.get(page_url).content.decode()
    assert f"review/{review}/change/" in support.get(list_url, {"q": email}).content.decode()


def test_a_shipped_purchase_stays_reviewable_while_its_product_waits_for_staff_again(bought):
    """A vendor's name fix sends the product back to staff; the shopper who received it can still
    review it (the review shows once the product does), as /me/purchases/ offers."""
    product = Product.objects.get(slug=bought.lamp.product_slug)
    edit = bought.vendor_client.patch(f"/api/v1/vendor/products/{product.pk}/", {"name": "Aurora Lamp"}, format="json")
    assert edit.status_code == 200 and edit.json()["status"] == "pending_review"
    [purchase] = [
        p for p in bought.client.get("/api/v1/me/purchases/").json()["results"] if p["order_line"] == bought.lamp.pk
    ]
    assert purchase["actions"] == ["review"]

    r = write(bought)

    assert r.status_code == 201, r.json()
    assert Review.objects.filter(order_line=bought.lamp).exists()


def test_purchases_to_review_leave_out_the_reviewed_ones_on_every_page(bought):
    """The storefront's "To review" asks for these: an older unreviewed line is found however many
    newer ones were reviewed."""
    write(bought)
    r = bought.client.get("/api/v1/me/purchases/?to_review=true")
    assert r.status_code == 200 and r.json()["results"] == []
    everything = bought.client.get("/api/v1/me/purchases/").json()["results"]
    assert [p["actions"] for p in everything] == [[]]
    assert bought.client.get("/api/v1/me/purchases/?to_review=maybe").status_code == 400
