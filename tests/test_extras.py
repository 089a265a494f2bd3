"""Optional extras: a missing module becomes one error that names the pip command."""

import pytest

from adcraft import extras
from adcraft.errors import ConfigError


def test_every_extra_of_the_dev_install_is_importable():
    assert {name: extras.missing_modules(name) for name in extras.EXTRAS} == {n: [] for n in extras.EXTRAS}


def test_a_missing_module_names_the_extra_and_the_pip_command(monkeypatch):
    monkeypatch.setitem(extras.EXTRAS, "ray", ("ray", "adcraft_no_such_module"))
    with pytest.raises(ConfigError, match=r"--engine ray needs the 'ray' extra \(adcraft_no_such_module"):
        extras.require_extra("ray", "--engine ray")
    with pytest.raises(ConfigError, match=r"pip install 'adcraft\[ray\]'"):
        extras.require_extra("ray", "--engine ray")


def test_an_unknown_extra_is_a_programming_error():
    with pytest.raises(ValueError, match="must be one of"):
        extras.missing_modules("gpu")
