"""Fixtures shared by the fairs tests: an organiser, and an open fair that their alliance leads.

Test modules that need other organisers or fairs define their own fixtures of these names.
"""

import pytest

from tests import factories
from tests.factories import fairs as fair_factories


@pytest.fixture
def organiser(db):
    return factories.user(email="lienminh@example.org")


@pytest.fixture
def fair(organiser):
    return fair_factories.fair(lead=factories.alliance(provinces=("01",), staff=[organiser]))
