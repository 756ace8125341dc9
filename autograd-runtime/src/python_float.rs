//! Floats written as Python's `repr(float)` writes them, for error messages and reprs that
//! quote PyTorch's (`Invalid learning rate: -1e-08`, `Dropout(p=0.5, inplace=False)`).

/// `value` as Python's `repr(float)` prints it in PyTorch's messages: `-0.1`, `-1.0`,
/// `-1e-08`, `1e+20`, `nan`, `-inf`.
pub(crate) fn python_float(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    // Rust's `{:?}` switches to exponent notation where Python's repr does (below 1e-4 and
    // from 1e16) with the same shortest digits; Python signs the exponent and pads it to two.
    let debug = format!("{value:?}");
    match debug.split_once('e') {
        Some((mantissa, exponent)) => {
            let (sign, digits) = match exponent.strip_prefix('-') {
                Some(digits) => ('-', digits),
                None => ('+', exponent),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => debug,
    }
}

#[cfg(test)]
mod tests {
    use super::python_float;

    #[test]
    fn floats_print_as_python_repr() {
        // repr(x) in Python 3.11 for each x.
        let cases = [
            (-0.1, "-0.1"),
            (-1.0, "-1.0"),
            (1.0, "1.0"),
            (-1e-8, "-1e-08"),
            (-1.5e-5, "-1.5e-05"),
            (0.0001, "0.0001"),
            (-1e20, "-1e+20"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (-1e-100, "-1e-100"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (value, python) in cases {
            assert_eq!(python_float(value), python);
        }
    }
}
