//! The hand-written baselines: each workload's gradient by plain Rust loops, no tape.

/// W1: `out = mean(3 (x + 2)^2)`, `d out / dx_i = 6 (x_i + 2) / n`.
pub fn w1(x: &[f32; 4]) -> [f32; 4] {
    let mut g = [0.0; 4];
    for (g, &x) in g.iter_mut().zip(x) {
        *g = 6.0 * (x + 2.0) / 4.0;
    }
    g
}

/// W2: `y = x * 2^k` with k the first count where `|y| >= 1000`; the VJP is `v * 2^k`.
pub fn w2(x: [f32; 3]) -> [f32; 3] {
    let v = [0.1f32, 1.0, 0.0001];
    let mut y = x.map(|x| x * 2.0);
    let mut scale = 2.0f32;
    while y.iter().map(|y| y * y).sum::<f32>().sqrt() < 1000.0 {
        y = y.map(|y| y * 2.0);
        scale *= 2.0;
    }
    [v[0] * scale, v[1] * scale, v[2] * scale]
}

/// W4: `loss = sum(tanh(2x + 1) x)`, `d/dx = tanh(2x + 1) + 2x (1 - tanh(2x + 1)^2)`.
pub fn w4(x: &[f32], grad: &mut [f32]) -> f32 {
    let mut loss = 0.0f32;
    for (g, &x) in grad.iter_mut().zip(x) {
        let t = (2.0 * x + 1.0).tanh();
        loss += t * x;
        *g = t + 2.0 * x * (1.0 - t * t);
    }
    loss
}

/// W5: forward the chain keeping every `c`, then the reverse sweep for `da`, `db`.
/// `c' = sin(c b + a)`: `dc'/dc = cos(.) b`, `dc'/db = cos(.) c`, `dc'/da = cos(.)`.
pub fn w5(a: f64, b: f64) -> (f64, f64) {
    let mut cs = [0.0f64; 101];
    cs[0] = a;
    for i in 0..100 {
        cs[i + 1] = (cs[i] * b + a).sin();
    }
    let (mut ga, mut gb, mut gc) = (0.0, 0.0, 1.0);
    for i in (0..100).rev() {
        let d = (cs[i] * b + a).cos() * gc;
        ga += d;
        gb += d * cs[i];
        gc = d * b;
    }
    (ga + gc, gb)
}
