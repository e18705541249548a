"""The explorer's bulk selector: the curve it draws is the theory's at that bulk, and the
isotropic theory's warning reaches the reader where the bulk is not isotropic."""

import numpy as np
import pytest

from onestep_lib import theory, widgets

STRONG = dict(student="tanh", teacher="tanh", eta=6.0, alpha0=1.0, lam=0.01, alpha_min=0.5,
              alpha_max=4.0, n_alpha=6)


def test_gradient_bulk_curve_is_the_theory_curve():
    curves = widgets.compute_curves(bulk="gradient", **STRONG)
    want = theory.learning_curve(alphas=curves.alpha, bulk="gradient", student="tanh",
                                 teacher="tanh", eta=6.0, alpha0=1.0, lam=0.01)
    np.testing.assert_allclose(curves.theory, want.test_error, rtol=1e-12)
    assert curves.notes == ""


def test_isotropic_bulk_shows_the_gap_warning():
    curves = widgets.compute_curves(**STRONG)
    assert "IsotropicBulkWarning" in curves.notes and "bulk='gradient'" in curves.notes
    # the reference case of the book is quiet
    assert widgets.compute_curves().notes == ""


def test_bulk_parameter_is_validated():
    with pytest.raises(ValueError, match="bulk"):
        widgets.check_parameters(bulk="true")
    with pytest.raises(TypeError, match="bulk"):
        widgets.check_parameters(bulk=3)


def test_explorer_has_a_bulk_control():
    pytest.importorskip("ipywidgets")
    ex = widgets.Explorer(**STRONG)
    assert ex.controls["bulk"].value == "isotropic"
    iso = ex.curve.theory.copy()
    ex.set(bulk="gradient")
    assert ex.params["bulk"] == "gradient"
    assert np.all(ex.curve.theory > iso)  # the true bulk is above the isotropic one here


def test_bayes_line_is_the_baseline_at_the_same_total_samples():
    curves = widgets.compute_curves(noise=0.1, n_alpha=5)
    want = theory.bayes_optimal_error(teacher="sin", alpha=20.0 + curves.alpha, noise=0.1)
    np.testing.assert_allclose(curves.bayes, want.test_error, rtol=1e-12)
    assert np.all(curves.bayes <= curves.theory) and np.all(curves.bayes <= curves.rf)
    assert widgets.compute_curves(bayes=False, n_alpha=5).bayes is None
