//! Train a first neural network: a 64-128-10 MLP on the 8x8 handwritten digits shipped with
//! scikit-learn (1,797 images; `examples/data/README.md` says where the file comes from).
//!
//! ```text
//! cargo run --release --example mlp                 # loss curve in target/mlp_loss.png
//! cargo run --release --example mlp -- curve.png    # or where you say
//! ```
//!
//! The steps are the ones of a PyTorch training script: read the data, split it with a seeded
//! shuffle, build `Sequential(Linear, ReLU, Linear)`, then for each epoch and mini-batch
//! `zero_grad`, forward, `cross_entropy`, `backward`, `step`; evaluate under `no_grad`; save the
//! weights in the safetensors format and load them back into a fresh model.

use autograd::nn::{Linear, Module, ReLU, Sequential};
use autograd::optim::{Adam, Optimizer};
use autograd::{manual_seed, no_grad, safetensors, Tensor};
use indicatif::{ProgressBar, ProgressStyle};
use std::error::Error;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/digits.csv.gz");
const TARGET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target");
const FEATURES: usize = 64;
const CLASSES: usize = 10;
const TEST_SIZE: usize = 360; // 20%, as `train_test_split(test_size=0.2)`
const EPOCHS: usize = 30;
const BATCH: usize = 32;

/// Images (pixels 0..16 scaled to 0..1) and labels.
struct Digits {
    pixels: Vec<f32>,
    labels: Vec<usize>,
}

impl Digits {
    /// Each CSV row: 64 pixel values, then the digit.
    fn load(path: &str) -> Result<Digits, Box<dyn Error>> {
        let gz = flate2::read::GzDecoder::new(File::open(path)?);
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(gz);
        let (mut pixels, mut labels) = (Vec::new(), Vec::new());
        for record in reader.records() {
            let record = record?;
            if record.len() != FEATURES + 1 {
                return Err(
                    format!("expected {} columns, got {}", FEATURES + 1, record.len()).into(),
                );
            }
            for field in record.iter().take(FEATURES) {
                pixels.push(field.parse::<f32>()? / 16.0);
            }
            labels.push(record[FEATURES].parse::<f64>()? as usize);
        }
        Ok(Digits { pixels, labels })
    }

    fn len(&self) -> usize {
        self.labels.len()
    }

    /// The images at `rows` as a `[rows.len(), 64]` tensor, with their labels.
    fn batch(&self, rows: &[usize]) -> (Tensor, Vec<usize>) {
        let mut x = Vec::with_capacity(rows.len() * FEATURES);
        for &r in rows {
            x.extend_from_slice(&self.pixels[r * FEATURES..(r + 1) * FEATURES]);
        }
        let y = rows.iter().map(|&r| self.labels[r]).collect();
        (Tensor::from_vec(x, &[rows.len(), FEATURES]), y)
    }
}

/// A permutation of `0..n` from the seeded generator: the order that sorts `n` uniform draws.
fn shuffled(n: usize) -> Vec<usize> {
    let keys = Tensor::rand(&[n]).to_vec();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]));
    order
}

/// Mean cross-entropy and accuracy of `model` on `rows`, without recording a graph.
fn evaluate(model: &dyn Module, data: &Digits, rows: &[usize]) -> (f64, f64) {
    no_grad(|| {
        let (x, y) = data.batch(rows);
        let logits = model.forward(&x);
        let (_, predicted) = logits.max_dim(1, false);
        let correct = predicted.iter().zip(&y).filter(|(p, t)| p == t).count();
        (
            logits.cross_entropy(&y).item(),
            correct as f64 / rows.len() as f64,
        )
    })
}

fn model() -> Sequential {
    Sequential::new()
        .add(Linear::new(FEATURES, 128))
        .add(ReLU::new())
        .add(Linear::new(128, CLASSES))
}

fn main() -> Result<(), Box<dyn Error>> {
    let plot_path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(TARGET).join("mlp_loss.png"));
    let start = Instant::now();
    let data = Digits::load(DATA)?;
    println!(
        "{} images of {FEATURES} pixels, {CLASSES} classes",
        data.len()
    );

    manual_seed(0);
    let order = shuffled(data.len());
    let (test_rows, train_rows) = order.split_at(TEST_SIZE);
    println!("train {} / test {}", train_rows.len(), test_rows.len());

    let net = model();
    let mut opt = Adam::new(net.parameters()).lr(3e-3);
    let (mut train_curve, mut test_curve) = (Vec::new(), Vec::new());
    let style = ProgressStyle::with_template(
        "epoch {prefix:>2} [{bar:30}] {pos:>2}/{len} batches, loss {msg}",
    )?
    .progress_chars("=> ");
    for epoch in 1..=EPOCHS {
        let mut rows = train_rows.to_vec();
        let perm = shuffled(rows.len());
        rows = perm.iter().map(|&i| rows[i]).collect();
        let batches: Vec<&[usize]> = rows.chunks(BATCH).collect();
        let bar = ProgressBar::new(batches.len() as u64)
            .with_style(style.clone())
            .with_prefix(epoch.to_string());
        let mut total = 0.0;
        for batch in &batches {
            let (x, y) = data.batch(batch);
            opt.zero_grad();
            let loss = net.forward(&x).cross_entropy(&y);
            loss.backward();
            opt.step();
            total += loss.item() * batch.len() as f64;
            bar.set_message(format!("{:.4}", loss.item()));
            bar.inc(1);
        }
        let train_loss = total / rows.len() as f64;
        let (test_loss, test_acc) = evaluate(&net, &data, test_rows);
        let summary = format!(
            "{train_loss:.4}; test loss {test_loss:.4}, accuracy {:.1}%",
            100.0 * test_acc
        );
        if bar.is_hidden() {
            println!("epoch {epoch:>2}: train loss {summary}");
        }
        bar.finish_with_message(summary);
        train_curve.push(train_loss);
        test_curve.push(test_loss);
    }
    let (_, test_acc) = evaluate(&net, &data, test_rows);
    println!(
        "test accuracy {:.2}% after {EPOCHS} epochs, {:.1} s",
        100.0 * test_acc,
        start.elapsed().as_secs_f64()
    );

    // The weights through a file, as torch.save / load_state_dict would carry them.
    std::fs::create_dir_all(TARGET)?;
    let weights = Path::new(TARGET).join("mlp_digits.safetensors");
    safetensors::save(&weights, net.named_parameters())?;
    let reloaded = model();
    reloaded.load_state_dict(&safetensors::load(&weights)?)?;
    let (_, reloaded_acc) = evaluate(&reloaded, &data, test_rows);
    println!(
        "weights saved to {} and reloaded: test accuracy {:.2}%",
        weights.display(),
        100.0 * reloaded_acc
    );

    plot::loss_curve(&plot_path, &train_curve, &test_curve)?;
    println!("loss curve written to {}", plot_path.display());
    Ok(())
}

mod plot {
    use plotters::prelude::*;
    use std::error::Error;
    use std::path::Path;

    /// Registers a system TrueType font for the labels; `false` when none is found (the curve
    /// is then drawn without text: plotters is built without C font libraries).
    fn register_system_font() -> bool {
        const CANDIDATES: &[&str] = &[
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/Library/Fonts/Arial.ttf",
            "/System/Library/Fonts/Supplemental/Arial.ttf",
            "C:\\Windows\\Fonts\\arial.ttf",
        ];
        CANDIDATES.iter().any(|path| {
            let Ok(bytes) = std::fs::read(path) else {
                return false;
            };
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_ok()
        })
    }

    /// Train and test loss per epoch as a PNG line chart.
    pub fn loss_curve(path: &Path, train: &[f64], test: &[f64]) -> Result<(), Box<dyn Error>> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let fonts = register_system_font();
        let root = BitMapBackend::new(path, (800, 500)).into_drawing_area();
        root.fill(&WHITE)?;
        let max = train.iter().chain(test).cloned().fold(0.0, f64::max);
        let epochs = train.len() as f64;
        let mut builder = ChartBuilder::on(&root);
        builder.margin(20);
        if fonts {
            builder
                .caption(
                    "MLP on the digits: cross-entropy per epoch",
                    ("sans-serif", 24),
                )
                .x_label_area_size(40)
                .y_label_area_size(60);
        }
        let mut chart = builder.build_cartesian_2d(1.0..epochs.max(2.0), 0.0..max * 1.05)?;
        if fonts {
            chart
                .configure_mesh()
                .x_desc("epoch")
                .y_desc("loss")
                .draw()?;
        }
        let points = |v: &[f64]| -> Vec<(f64, f64)> {
            v.iter()
                .enumerate()
                .map(|(i, &l)| ((i + 1) as f64, l))
                .collect()
        };
        for (curve, color, name) in [(train, BLUE, "train"), (test, RED, "test")] {
            chart
                .draw_series(LineSeries::new(points(curve), color.stroke_width(2)))?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        }
        if fonts {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()?;
        } else {
            eprintln!("no TrueType font found: the loss curve has no labels");
        }
        root.present()?;
        Ok(())
    }
}
