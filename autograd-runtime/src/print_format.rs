//! Tensor pretty-printing that reproduces PyTorch's `torch/_tensor_str.py`
//! byte for byte under the default print options (precision 4, threshold
//! 1000, edgeitems 3, linewidth 80, `sci_mode=None`).
//!
//! The entry point is [`format_tensor`], which returns the complete
//! `tensor(...)` text including suffixes such as `dtype=torch.float64`,
//! `grad_fn=<AddBackward0>` or `requires_grad=True`.

/// Digits after the decimal point (`PRINT_OPTS.precision`).
const PRECISION: usize = 4;
/// Element count above which the output is summarized (`PRINT_OPTS.threshold`).
const THRESHOLD: usize = 1000;
/// Items kept at each end of a summarized dimension (`PRINT_OPTS.edgeitems`).
const EDGEITEMS: usize = 3;
/// Target line width (`PRINT_OPTS.linewidth`).
const LINEWIDTH: usize = 80;
/// Prefix of every rendered tensor; its length is the base indent.
const PREFIX: &str = "tensor(";

/// Element type of the tensor being printed, which drives formatting and the
/// `dtype=` suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PrintKind {
    /// `torch.float32` (the default dtype: no `dtype=` suffix).
    Float32,
    /// `torch.float64` (printed with a `dtype=torch.float64` suffix).
    Float64,
    /// `torch.bool` (values printed as `True` / `False`).
    Bool,
}

/// Renders a tensor exactly as PyTorch's `repr(tensor)` does.
///
/// `values` are row-major (bools as `0.0` / `1.0`, `f32` data widened exactly
/// to `f64`); `shape` is the tensor shape (empty for a 0-d tensor);
/// `suffixes` are extra, already-built suffixes such as
/// `"grad_fn=<AddBackward0>"` which are appended after the `dtype=` suffix.
pub(crate) fn format_tensor(
    values: &[f64],
    shape: &[usize],
    kind: PrintKind,
    suffixes: &[String],
) -> String {
    let numel: usize = shape.iter().product();
    debug_assert_eq!(values.len(), numel, "values do not match shape");
    let indent = PREFIX.len();
    let mut all_suffixes: Vec<String> = Vec::new();
    let body = if numel == 0 {
        if shape.len() != 1 {
            all_suffixes.push(format!("size={}", python_tuple(shape)));
        }
        match kind {
            PrintKind::Float32 => {}
            PrintKind::Float64 => all_suffixes.push("dtype=torch.float64".to_string()),
            PrintKind::Bool => all_suffixes.push("dtype=torch.bool".to_string()),
        }
        "[]".to_string()
    } else {
        if kind == PrintKind::Float64 {
            all_suffixes.push("dtype=torch.float64".to_string());
        }
        let summarize = numel > THRESHOLD;
        let formatter = if summarize {
            let mut data = Vec::new();
            summarized_data(values, shape, &mut data);
            Formatter::new(&data, kind)
        } else {
            Formatter::new(values, kind)
        };
        tensor_str(values, shape, indent, summarize, &formatter)
    };
    all_suffixes.extend(suffixes.iter().cloned());
    add_suffixes(&format!("{PREFIX}{body}"), &all_suffixes, indent)
}

/// Python's `str(tuple(shape))`, e.g. `(0, 3)` or `(0,)`.
fn python_tuple(shape: &[usize]) -> String {
    let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    if parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(", "))
    }
}

/// Python's rendering of a non-finite float (`nan`, `inf`, `-inf`), or
/// `None` for finite values.
fn non_finite(v: f64) -> Option<String> {
    if v.is_nan() {
        Some("nan".to_string())
    } else if v.is_infinite() {
        Some(if v > 0.0 { "inf" } else { "-inf" }.to_string())
    } else {
        None
    }
}

/// Python's `"{:.<prec>f}".format(v)`.
fn fmt_fixed(v: f64, prec: usize) -> String {
    non_finite(v).unwrap_or_else(|| format!("{v:.prec$}"))
}

/// Python's `"{:.<prec>e}".format(v)`: mantissa plus a signed exponent with
/// at least two digits (`2.0480e+02`).
fn fmt_sci(v: f64, prec: usize) -> String {
    if let Some(s) = non_finite(v) {
        return s;
    }
    let rust = format!("{v:.prec$e}");
    let (mantissa, exp) = rust.split_once('e').unwrap_or((rust.as_str(), "0"));
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

/// Port of PyTorch's `_Formatter`: decides between integer, fixed and
/// scientific notation and computes the common element width.
struct Formatter {
    /// Whether the dtype is floating point (false for bool).
    floating: bool,
    /// All nonzero finite values are integral: print as `3.`.
    int_mode: bool,
    /// Print in scientific notation (`1.0000e-05`).
    sci_mode: bool,
    /// Width every element is right-aligned to.
    max_width: usize,
}

impl Formatter {
    /// Builds the formatter from the (possibly summarized) values.
    fn new(values: &[f64], kind: PrintKind) -> Self {
        let mut f = Formatter {
            floating: kind != PrintKind::Bool,
            int_mode: true,
            sci_mode: false,
            max_width: 1,
        };
        if !f.floating {
            for &v in values {
                f.max_width = f.max_width.max(bool_str(v).len());
            }
            return f;
        }
        let vals: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| v.is_finite() && *v != 0.0)
            .collect();
        if vals.is_empty() {
            return f;
        }
        let min = vals.iter().fold(f64::INFINITY, |m, v| m.min(v.abs()));
        let max = vals.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        f.int_mode = vals.iter().all(|v| *v == v.ceil());
        let wide = max / min > 1000.0 || max > 1.0e8;
        f.sci_mode = if f.int_mode {
            wide
        } else {
            wide || min < 1.0e-4
        };
        for &v in &vals {
            let len = if f.sci_mode {
                fmt_sci(v, PRECISION).len()
            } else if f.int_mode {
                fmt_fixed(v, 0).len() + 1
            } else {
                fmt_fixed(v, PRECISION).len()
            };
            f.max_width = f.max_width.max(len);
        }
        f
    }

    /// Formats one value, left-padded to `max_width`.
    fn format(&self, v: f64) -> String {
        let s = if !self.floating {
            bool_str(v).to_string()
        } else if self.sci_mode {
            fmt_sci(v, PRECISION)
        } else if self.int_mode {
            let mut s = fmt_fixed(v, 0);
            if v.is_finite() {
                s.push('.');
            }
            s
        } else {
            fmt_fixed(v, PRECISION)
        };
        format!("{s:>width$}", width = self.max_width)
    }
}

/// Python's `str(bool)` for a 0.0 / 1.0 encoded boolean.
fn bool_str(v: f64) -> &'static str {
    if v != 0.0 {
        "True"
    } else {
        "False"
    }
}

/// Port of `get_summarized_data`: collects the values that remain visible
/// after summarization (the first and last `EDGEITEMS` of each long dim).
fn summarized_data(values: &[f64], shape: &[usize], out: &mut Vec<f64>) {
    match shape {
        [] => out.push(values[0]),
        [n] if *n > 2 * EDGEITEMS => {
            out.extend_from_slice(&values[..EDGEITEMS]);
            out.extend_from_slice(&values[n - EDGEITEMS..]);
        }
        [_] => out.extend_from_slice(values),
        [n, rest @ ..] => {
            let stride: usize = rest.iter().product();
            for i in kept_indices(*n, true) {
                summarized_data(&values[i * stride..(i + 1) * stride], rest, out);
            }
        }
    }
}

/// Indices shown along a dimension of size `n` (edge items only when
/// summarizing a dimension longer than `2 * EDGEITEMS`).
fn kept_indices(n: usize, summarize: bool) -> Vec<usize> {
    if summarize && n > 2 * EDGEITEMS {
        (0..EDGEITEMS).chain(n - EDGEITEMS..n).collect()
    } else {
        (0..n).collect()
    }
}

/// Port of `_tensor_str_with_formatter`: renders nested brackets.
fn tensor_str(
    values: &[f64],
    shape: &[usize],
    indent: usize,
    summarize: bool,
    fmt: &Formatter,
) -> String {
    match shape {
        [] => fmt.format(values[0]),
        [_] => vector_str(values, indent, summarize, fmt),
        [n, rest @ ..] => {
            let stride: usize = rest.iter().product();
            let mut slices: Vec<String> = kept_indices(*n, summarize)
                .into_iter()
                .map(|i| {
                    let sub = &values[i * stride..(i + 1) * stride];
                    tensor_str(sub, rest, indent + 1, summarize, fmt)
                })
                .collect();
            if summarize && *n > 2 * EDGEITEMS {
                slices.insert(EDGEITEMS, "...".to_string());
            }
            let sep = format!(
                ",{}{}",
                "\n".repeat(shape.len() - 1),
                " ".repeat(indent + 1)
            );
            format!("[{}]", slices.join(&sep))
        }
    }
}

/// Port of `_vector_str`: a 1-d row wrapped to the line width.
fn vector_str(values: &[f64], indent: usize, summarize: bool, fmt: &Formatter) -> String {
    let element_length = fmt.max_width + 2;
    let per_line = (LINEWIDTH.saturating_sub(indent) / element_length).max(1);
    let n = values.len();
    let mut data: Vec<String> = kept_indices(n, summarize)
        .into_iter()
        .map(|i| fmt.format(values[i]))
        .collect();
    if summarize && n > 2 * EDGEITEMS {
        data.insert(EDGEITEMS, " ...".to_string());
    }
    let lines: Vec<String> = data.chunks(per_line).map(|c| c.join(", ")).collect();
    format!(
        "[{}]",
        lines.join(&format!(",\n{}", " ".repeat(indent + 1)))
    )
}

/// Port of `_add_suffixes`: appends `, suffix` or wraps it onto a new line
/// indented by `indent` when the line would exceed the line width, then
/// closes the parenthesis.
fn add_suffixes(tensor_str: &str, suffixes: &[String], indent: usize) -> String {
    let mut out = tensor_str.to_string();
    // Mirrors Python's `len(s) - s.rfind("\n") + 1` (rfind is -1 if absent).
    let mut last_line_len = match tensor_str.rfind('\n') {
        Some(pos) => tensor_str.len() - pos + 1,
        None => tensor_str.len() + 2,
    };
    for suffix in suffixes {
        if last_line_len + suffix.len() + 2 > LINEWIDTH {
            out.push_str(&format!(",\n{}{suffix}", " ".repeat(indent)));
            last_line_len = indent + suffix.len();
        } else {
            out.push_str(&format!(", {suffix}"));
            last_line_len += suffix.len() + 2;
        }
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Formats f32 data (widened to f64) with the given shape and suffixes.
    fn f32s(vals: &[f32], shape: &[usize], suffixes: &[&str]) -> String {
        let v: Vec<f64> = vals.iter().map(|&x| f64::from(x)).collect();
        let s: Vec<String> = suffixes.iter().map(|s| s.to_string()).collect();
        format_tensor(&v, shape, PrintKind::Float32, &s)
    }

    /// Formats f64 data with the given shape.
    fn f64s(vals: &[f64], shape: &[usize]) -> String {
        format_tensor(vals, shape, PrintKind::Float64, &[])
    }

    /// Formats bool data with the given shape.
    fn bools(vals: &[bool], shape: &[usize]) -> String {
        let v: Vec<f64> = vals.iter().map(|&b| f64::from(u8::from(b))).collect();
        format_tensor(&v, shape, PrintKind::Bool, &[])
    }

    #[test]
    fn python_float_formatting() {
        assert_eq!(fmt_sci(204.8, 4), "2.0480e+02");
        assert_eq!(fmt_sci(1e-5, 4), "1.0000e-05");
        assert_eq!(fmt_sci(1e100, 4), "1.0000e+100");
        assert_eq!(fmt_sci(-0.0, 4), "-0.0000e+00");
        assert_eq!(fmt_sci(f64::NAN, 4), "nan");
        assert_eq!(fmt_sci(f64::NEG_INFINITY, 4), "-inf");
        assert_eq!(fmt_fixed(0.03125, 4), "0.0312");
        assert_eq!(fmt_fixed(2.5, 0), "2");
        assert_eq!(fmt_fixed(f64::INFINITY, 0), "inf");
    }

    #[test]
    fn autograd_examples() {
        assert_eq!(
            f32s(&[3.0; 4], &[2, 2], &["grad_fn=<AddBackward0>"]),
            "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)"
        );
        assert_eq!(
            f32s(&[27.0], &[], &["grad_fn=<MeanBackward0>"]),
            "tensor(27., grad_fn=<MeanBackward0>)"
        );
        assert_eq!(
            f32s(&[1.0; 4], &[2, 2], &["requires_grad=True"]),
            "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)"
        );
        assert_eq!(
            f32s(
                &[-1646.1467, -59.6569, 824.9374],
                &[3],
                &["grad_fn=<MulBackward0>"]
            ),
            "tensor([-1646.1467,   -59.6569,   824.9374], grad_fn=<MulBackward0>)"
        );
        assert_eq!(
            f32s(&[4.5; 4], &[2, 2], &[]),
            "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])"
        );
    }

    #[test]
    fn scientific_and_dtype() {
        assert_eq!(
            f32s(&[204.8, 2048.0, 0.2048], &[3], &[]),
            "tensor([2.0480e+02, 2.0480e+03, 2.0480e-01])"
        );
        assert_eq!(
            f32s(&[1e-5, 1.0], &[2], &[]),
            "tensor([1.0000e-05, 1.0000e+00])"
        );
        assert_eq!(f32s(&[1e9], &[], &[]), "tensor(1.0000e+09)");
        assert_eq!(
            f32s(&[1e9, 1.0], &[2], &[]),
            "tensor([1.0000e+09, 1.0000e+00])"
        );
        assert_eq!(
            f32s(&[1.0, 2000.0], &[2], &[]),
            "tensor([1.0000e+00, 2.0000e+03])"
        );
        assert_eq!(
            f64s(&[1.0, 2.0], &[2]),
            "tensor([1., 2.], dtype=torch.float64)"
        );
        assert_eq!(
            f64s(&[0.1, 0.2], &[2]),
            "tensor([0.1000, 0.2000], dtype=torch.float64)"
        );
        assert_eq!(f64s(&[1.0], &[]), "tensor(1., dtype=torch.float64)");
        let s = vec!["requires_grad=True".to_string()];
        assert_eq!(
            format_tensor(&[1.0, 2.0], &[2], PrintKind::Float64, &s),
            "tensor([1., 2.], dtype=torch.float64, requires_grad=True)"
        );
    }

    #[test]
    fn zeros_and_non_finite() {
        assert_eq!(f32s(&[0.0], &[], &[]), "tensor(0.)");
        assert_eq!(f32s(&[-0.0], &[], &[]), "tensor(-0.)");
        assert_eq!(f32s(&[0.0, -0.0], &[2], &[]), "tensor([0., -0.])");
        assert_eq!(
            f32s(&[1.0, f32::NAN, f32::INFINITY], &[3], &[]),
            "tensor([1., nan, inf])"
        );
        assert_eq!(
            f32s(&[f32::NAN, f32::NEG_INFINITY], &[2], &[]),
            "tensor([nan, -inf])"
        );
        assert_eq!(
            f32s(&[1.5, f32::NAN, f32::NEG_INFINITY], &[3], &[]),
            "tensor([1.5000,    nan,   -inf])"
        );
        assert_eq!(
            f32s(&[1e-5, f32::NAN], &[2], &[]),
            "tensor([1.0000e-05,        nan])"
        );
        assert_eq!(
            f32s(&[0.0, 1.5, -2.25], &[3], &[]),
            "tensor([ 0.0000,  1.5000, -2.2500])"
        );
    }

    #[test]
    fn bool_tensors() {
        assert_eq!(bools(&[true], &[]), "tensor(True)");
        assert_eq!(bools(&[false], &[]), "tensor(False)");
        assert_eq!(bools(&[true, false], &[2]), "tensor([ True, False])");
        assert_eq!(bools(&[true, true], &[2]), "tensor([True, True])");
        assert_eq!(
            bools(&[true, false, false, true], &[2, 2]),
            "tensor([[ True, False],\n        [False,  True]])"
        );
    }

    #[test]
    fn three_d() {
        let v: Vec<f32> = (0..8).map(|i| i as f32).collect();
        assert_eq!(
            f32s(&v, &[2, 2, 2], &[]),
            "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])"
        );
    }

    #[test]
    fn long_vector_wraps() {
        let v: Vec<f32> = (0..30).map(|i| i as f32 + 0.5).collect();
        let body = "tensor([ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n         8.5000,  9.5000, 10.5000, 11.5000, 12.5000, 13.5000, 14.5000, 15.5000,\n        16.5000, 17.5000, 18.5000, 19.5000, 20.5000, 21.5000, 22.5000, 23.5000,\n        24.5000, 25.5000, 26.5000, 27.5000, 28.5000, 29.5000]";
        assert_eq!(f32s(&v, &[30], &[]), format!("{body})"));
        // Last line is 61 chars: 61 + 2 + 22 + 2 > 80, so the suffix wraps.
        assert_eq!(
            f32s(&v, &[30], &["grad_fn=<AddBackward0>"]),
            format!("{body},\n       grad_fn=<AddBackward0>)")
        );
    }

    #[test]
    fn summarized_1d() {
        let v: Vec<f32> = (0..2000).map(|i| i as f32 + 1000.0).collect();
        assert_eq!(
            f32s(&v, &[2000], &[]),
            "tensor([1000., 1001., 1002.,  ..., 2997., 2998., 2999.])"
        );
        let v: Vec<f32> = (0..2000).map(|i| i as f32).collect();
        assert_eq!(
            f32s(&v, &[2000], &[]),
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])"
        );
    }

    #[test]
    fn summarized_2d_and_3d() {
        let v: Vec<f32> = (0..10000).map(|i| i as f32).collect();
        let expected = "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.7000e+01, 9.8000e+01,
         9.9000e+01],
        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.9700e+02, 1.9800e+02,
         1.9900e+02],
        [2.0000e+02, 2.0100e+02, 2.0200e+02,  ..., 2.9700e+02, 2.9800e+02,
         2.9900e+02],
        ...,
        [9.7000e+03, 9.7010e+03, 9.7020e+03,  ..., 9.7970e+03, 9.7980e+03,
         9.7990e+03],
        [9.8000e+03, 9.8010e+03, 9.8020e+03,  ..., 9.8970e+03, 9.8980e+03,
         9.8990e+03],
        [9.9000e+03, 9.9010e+03, 9.9020e+03,  ..., 9.9970e+03, 9.9980e+03,
         9.9990e+03]])";
        assert_eq!(f32s(&v, &[100, 100], &[]), expected);

        let zeros = vec![0.0_f32; 1600];
        let row = "[0., 0., 0.,  ..., 0., 0., 0.]";
        let expected = format!(
            "tensor([{row},\n        {row},\n        {row},\n        ...,\n        {row},\n        {row},\n        {row}])"
        );
        assert_eq!(f32s(&zeros, &[40, 40], &[]), expected);

        let zeros = vec![0.0_f32; 8000];
        let block = format!(
            "[{row},\n         {row},\n         {row},\n         ...,\n         {row},\n         {row},\n         {row}]"
        );
        let sep = ",\n\n        ";
        let expected = format!(
            "tensor([{block}{sep}{block}{sep}{block}{sep}...{sep}{block}{sep}{block}{sep}{block}])"
        );
        assert_eq!(f32s(&zeros, &[20, 20, 20], &[]), expected);
    }

    #[test]
    fn small_dims_not_summarized() {
        // 1001 elements summarize, but only dims longer than 6 are elided.
        let v: Vec<f32> = (0..1001).map(|i| (i % 7) as f32).collect();
        assert_eq!(
            f32s(&v, &[1001], &[]),
            "tensor([0., 1., 2.,  ..., 4., 5., 6.])"
        );
        let row = "[0., 0., 0.,  ..., 0., 0., 0.]";
        let zeros = vec![0.0_f32; 1200];
        assert_eq!(
            f32s(&zeros, &[2, 600], &[]),
            format!("tensor([{row},\n        {row}])")
        );
    }

    #[test]
    fn empty_tensors() {
        assert_eq!(f32s(&[], &[0], &[]), "tensor([])");
        assert_eq!(f32s(&[], &[0, 3], &[]), "tensor([], size=(0, 3))");
        assert_eq!(
            f32s(&[], &[2, 0], &["requires_grad=True"]),
            "tensor([], size=(2, 0), requires_grad=True)"
        );
        assert_eq!(f64s(&[], &[0]), "tensor([], dtype=torch.float64)");
        assert_eq!(bools(&[], &[0]), "tensor([], dtype=torch.bool)");
        assert_eq!(python_tuple(&[0]), "(0,)");
    }
}
