"""Place names as families type them."""

from __future__ import annotations

import pytest

from checklist.places import PlaceError, gazetteer


@pytest.mark.parametrize(
    ("text", "label", "in_chongqing"),
    [
        ("万州", "万州区", True),
        ("重庆万州区", "万州区", True),
        ("重庆市渝北区", "渝北区", True),
        ("渝北区", "渝北区", True),
        ("我们住在渝北", "渝北区", True),
        ("重慶市沙坪壩區", "沙坪坝区", True),
        (" 江北 ", "江北区", True),
        ("高新区", "西部科学城重庆高新区", True),
        ("万盛", "万盛经开区", True),
        ("开县", "开州区", True),
        ("重庆", "重庆市", True),
        ("四川", "四川省", False),
        ("四川省南充市", "四川省南充市", False),
        ("广东东莞", "广东省东莞市", False),
        ("老家四川南充那边", "四川省南充市", False),
        ("外省", "外省", False),
    ],
)
def test_places_resolve_as_people_type_them(text: str, label: str, in_chongqing: bool) -> None:
    place = gazetteer().resolve(text)
    assert place.label == label
    assert place.in_chongqing is in_chongqing


def test_district_carries_the_central_group_flag() -> None:
    assert gazetteer().resolve("渝中").central
    assert not gazetteer().resolve("万州").central
    assert gazetteer().resolve("两江新区").central


@pytest.mark.parametrize("text", ["火星", "abc", "", "   ", "重庆市火星区"])
def test_unknown_places_are_a_clear_error(text: str) -> None:
    with pytest.raises(PlaceError):
        gazetteer().resolve(text)


def test_unknown_place_suggests_nearest_names() -> None:
    with pytest.raises(PlaceError) as err:
        gazetteer().resolve("瑜北")
    assert "渝北区" in err.value.suggestions
