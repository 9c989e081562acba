"""helpers.checks: the shared argument checks."""

import numpy as np
import pytest

from helpers import checks


def test_check_int_accepts_ints_in_range():
    assert checks.check_int("n", np.int64(5)) == 5
    assert checks.check_int("n", 3, minimum=3, maximum=3) == 3


@pytest.mark.parametrize("value, error, message", [
    (0, ValueError, "n must be at least 1, got 0"),
    (11, ValueError, "n must be at most 10"),
    (2.0, TypeError, "n must be an int"),
    (True, TypeError, "n must be an int"),
    ("4", TypeError, "n must be an int"),
])
def test_check_int_rejects(value, error, message):
    with pytest.raises(error, match=message):
        checks.check_int("n", value, maximum=10)


def test_make_rng():
    generator = np.random.default_rng(0)
    assert checks.make_rng(generator) is generator
    assert checks.make_rng(3).integers(1000) == np.random.default_rng(3).integers(1000)
    for bad in (-1, 1.5, "seed", True):
        with pytest.raises(TypeError, match="seed must be"):
            checks.make_rng(bad)


# --------------------------------------------------------------------------- checks after a live blank


def test_blank_check_passes_silently_when_the_blank_is_right():
    def double(values):
        return values * 2

    with checks.blank("double_it") as check:
        check.shape("double(ones(3))", check.result("double(ones(3))", double(np.ones(3))), (3,))
        check.close("double(1.5)", double(1.5), 3.0)
        check.equal("the name", double.__name__, "double")
        check.true(True, "never shown")


def test_a_stub_returning_none_fails_with_the_catch_up_hint():
    def stub(values):
        """What the live copy leaves: the signature, the docstring and `...`."""
        ...

    with pytest.raises(AssertionError) as caught:
        with checks.blank("double_it") as check:
            check.result("double(ones(3))", stub(np.ones(3)))
    message = str(caught.value)
    assert message.startswith("blank `double_it`: double(ones(3)) returned None")
    assert "type the code above or run its %load line" in message


def test_a_name_the_blank_did_not_define_fails_with_the_catch_up_hint():
    with pytest.raises(AssertionError) as caught:
        with checks.blank("two_layer_network"):
            undefined_forward(np.ones(3))  # noqa: F821  (what a student who ran only the stub has)
    message = str(caught.value)
    assert message.startswith("blank `two_layer_network`: name 'undefined_forward' is not defined")
    assert "type the code above or run its %load line" in message
    assert isinstance(caught.value.__cause__, NameError)


def test_using_a_stub_result_names_the_blank():
    with pytest.raises(AssertionError, match=r"blank `builder`: AttributeError: .*NoneType.*type the code above"):
        with checks.blank("builder"):
            None.count_params()


@pytest.mark.parametrize("call, message", [
    (lambda check: check.shape("output", np.zeros((2, 3)), (3, 2)), r"output has shape \(2, 3\), expected \(3, 2\)"),
    (lambda check: check.equal("count_params()", 10, 12), r"count_params\(\) is 10, expected 12"),
    (lambda check: check.close("forward(x)", [1.0, 2.0], [1.0, 2.5]), r"forward\(x\) is \[1\. 2\.\], expected \[1\. +2\.5\]"),
    (lambda check: check.close("forward(x)", [1.0, 2.0], [1.0]), r"forward\(x\) is"),
    (lambda check: check.true(False, "the loss did not fall"), r"the loss did not fall"),
])
def test_wrong_answers_fail_naming_the_blank_and_what_was_expected(call, message):
    with pytest.raises(AssertionError, match=r"^blank `my_blank`: " + message):
        with checks.blank("my_blank") as check:
            call(check)


def test_other_errors_say_which_call_raised_them():
    with pytest.raises(AssertionError, match=r"^blank `conv`: calling what it defined raised ValueError: bad shape"):
        with checks.blank("conv"):
            raise ValueError("bad shape")
