"""What the drawn charts' value axes say, read from the SVG vega draws: the one axis rule
(citytools.core.charts.axis_rule) checked on every page, as a person reads them."""

# For each value axis (a linear or time scale, as vega's own description of the axis says),
# the tick labels shown: vega hides those that would overlap with opacity 0.
VALUE_AXES = """() => [...document.querySelectorAll('[data-chart] svg g.role-axis[aria-roledescription="axis"]')]
    .filter((axis) => /for a (linear|time|utc) scale/.test(axis.getAttribute('aria-label') || ''))
    .map((axis) => ({
        chart: axis.closest('[data-chart]').dataset.chart,
        axis: axis.getAttribute('aria-label'),
        labels: [...axis.querySelectorAll('.role-axis-label text')]
            .filter((label) => label.getAttribute('opacity') !== '0')
            .map((label) => label.textContent),
    }))"""


def axis_problems(page) -> list[str]:
    """Each value axis that shows fewer than two tick labels, or the same label twice."""
    problems = []
    for axis in page.evaluate(VALUE_AXES):
        labels = axis["labels"]
        if len(labels) < 2 or len(set(labels)) < len(labels):
            problems.append(f"{axis['chart']}: {axis['axis']} shows {labels}")
    return problems
