import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from shop.models import Enterprise, PairingAgreement
from testing.factories import TownFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_credit_code_with_wrong_check_digit_is_refused():
    enterprise = Enterprise(name="某公司", uscc="91440101190473001X")
    with pytest.raises(ValidationError) as error:
        enterprise.full_clean(validate_unique=False)
    assert "uscc" in error.value.message_dict


def test_valid_credit_code_passes():
    Enterprise(name="某公司", uscc="91440101190473001R").full_clean(validate_unique=False)


def test_pairing_must_name_the_town_or_village_its_programme_says():
    enterprise = Enterprise.objects.create(name="某公司", uscc="91440101190473001R")
    village = VillageFactory()
    with pytest.raises(IntegrityError):
        PairingAgreement.objects.create(
            enterprise=enterprise,
            programme=PairingAgreement.Programme.TOWN,
            village=village,
            signed_on=datetime.date(2025, 1, 1),
            yearly_pledge=1000,
        )


def test_town_pairing_names_its_town():
    enterprise = Enterprise.objects.create(name="某公司", uscc="91440101190473001R")
    town = TownFactory()
    pairing = PairingAgreement.objects.create(
        enterprise=enterprise,
        programme=PairingAgreement.Programme.TOWN,
        town=town,
        signed_on=datetime.date(2025, 1, 1),
        yearly_pledge=1000,
    )
    assert pairing.counterpart == town
