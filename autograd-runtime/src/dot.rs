//! Pictures of the autograd graph: Graphviz DOT in the style of torchviz's `make_dot`.

use crate::graph::Node;
use crate::hooks::OutputHook;
use crate::safetensors::NamedTensor;
use crate::tensor::AutogradMeta;
use crate::Tensor;
use std::collections::{HashMap, VecDeque};
use std::fmt::Write;
use std::sync::Arc;

/// torchviz's shape label: `(2, 3)`, `()` for a 0-d tensor.
fn shape_label(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("({})", dims.join(", "))
}

/// A DOT string literal body: quotes and backslashes escaped, newlines as `\n`.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Builds the DOT text: node declarations and edges, numbered in breadth-first order from the
/// root so the output is the same on every run.
struct DotWriter<'a> {
    out: String,
    ids: HashMap<*const (), usize>,
    next_id: usize,
    names: &'a [(String, Tensor)],
    /// The tensor drawn: drawn once, in green, even when it retains its grad.
    root: &'a Tensor,
}

impl DotWriter<'_> {
    fn fresh_id(&mut self) -> usize {
        self.next_id += 1;
        self.next_id - 1
    }

    fn node(&mut self, id: usize, label: &str, fill: Option<&str>) {
        let fill = fill.map(|c| format!(" fillcolor={c}")).unwrap_or_default();
        let _ = writeln!(self.out, "\tn{id} [label=\"{}\"{fill}]", escape(label));
    }

    fn edge(&mut self, from: usize, to: usize, attrs: &str) {
        let _ = writeln!(self.out, "\tn{from} -> n{to}{attrs}");
    }

    /// `name\n (shape)` for a tensor, its name from the user's list (empty when absent).
    fn tensor_label(&self, t: &Tensor) -> String {
        let name = self
            .names
            .iter()
            .find(|(_, p)| p.ptr_eq(t))
            .map(|(n, _)| n.as_str())
            .unwrap_or("");
        format!("{name}\n {}", shape_label(t.shape()))
    }

    /// The label of a tensor of `shape` that retains its grad (seen through its autograd state
    /// `meta`): name, shape and the grad's shape.
    fn retained_label(&self, meta: &AutogradMeta, shape: &[usize]) -> String {
        let name = self
            .names
            .iter()
            .find(|(_, p)| p.has_meta(meta))
            .map(|(n, _)| n.as_str())
            .unwrap_or("");
        let grad = meta
            .grad
            .lock()
            .as_ref()
            .map(|g| shape_label(g.shape()))
            .unwrap_or_else(|| "None".to_string());
        format!("{name}\n {}\nretain_grad, grad: {grad}", shape_label(shape))
    }

    /// The id of `node`, declaring it (and, for a leaf's sink, the leaf) on first sight.
    /// Returns whether the node is new.
    fn visit(&mut self, node: &Arc<Node>) -> (usize, bool) {
        let key = Arc::as_ptr(node) as *const ();
        if let Some(&id) = self.ids.get(&key) {
            return (id, false);
        }
        let id = self.fresh_id();
        self.ids.insert(key, id);
        match node.rule.leaf() {
            Some(leaf) => {
                self.node(id, &node.name, None);
                let leaf_id = self.fresh_id();
                let label = self.tensor_label(leaf);
                self.node(leaf_id, &label, Some("lightblue"));
                self.edge(leaf_id, id, "");
            }
            None => {
                let mut label = node.name.to_string();
                for (slot, meta) in node.outputs.iter().enumerate() {
                    let which = if node.outputs.len() > 1 {
                        slot.to_string()
                    } else {
                        String::new()
                    };
                    let _ = write!(label, "\nout{which}: {}", shape_label(&meta.shape));
                }
                if !node.saved_shapes.is_empty() {
                    let saved: Vec<String> =
                        node.saved_shapes.iter().map(|s| shape_label(s)).collect();
                    let _ = write!(label, "\nsaved: {}", saved.join(", "));
                }
                if node.rule.is_freed() {
                    label.push_str("\n(freed by backward)");
                }
                self.node(id, &label, None);
            }
        }
        self.retained(node, id);
        (id, true)
    }

    /// Non-leaf outputs of `node` that called `retain_grad()`, with their gradients so far.
    fn retained(&mut self, node: &Node, id: usize) {
        let alive: Vec<(Arc<AutogradMeta>, usize)> = node
            .hooks
            .lock()
            .iter()
            .filter_map(|hook| match hook {
                OutputHook::Retain { slot, meta } => meta.upgrade().map(|m| (m, *slot)),
                OutputHook::Call { .. } => None,
            })
            .filter(|(meta, _)| !self.root.has_meta(meta))
            .collect();
        for (meta, slot) in alive {
            let label = self.retained_label(&meta, &node.outputs[slot].shape);
            let tid = self.fresh_id();
            self.node(tid, &label, Some("lightyellow"));
            self.edge(id, tid, " [style=dashed]");
        }
    }
}

impl Tensor {
    /// The autograd graph behind this tensor as Graphviz DOT, like torchviz's `make_dot`:
    /// the tensor itself (green), one box per node with PyTorch's name (`MulBackward0`) and
    /// the shapes of its outputs, the leaves that require grad (blue) with their shapes below
    /// their `AccumulateGrad` nodes, and tensors that called `retain_grad()` (yellow) with the
    /// shape of their gradient. Edges run from inputs to the ops that used them.
    ///
    /// Render it with `dot -Tsvg graph.dot -o graph.svg`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    /// let out = (&x * 3.0).mean();
    /// let dot = out.to_dot();
    /// assert!(dot.starts_with("digraph {"));
    /// assert!(dot.contains("MeanBackward0") && dot.contains("AccumulateGrad"));
    /// assert!(dot.contains("label=\"\\n (2, 2)\" fillcolor=lightblue"));
    /// ```
    pub fn to_dot(&self) -> String {
        self.to_dot_named(Vec::<(&str, &Tensor)>::new())
    }

    /// [`Tensor::to_dot`] with names for some tensors (leaves, or tensors that retain their
    /// grad), like `make_dot(y, params=dict(model.named_parameters()))`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let w = Tensor::ones(&[3]).requires_grad_(true);
    /// let y = (&w * 2.0).sum();
    /// assert!(y.to_dot_named([("w", &w)]).contains("label=\"w\\n (3)\""));
    /// ```
    pub fn to_dot_named<I>(&self, names: I) -> String
    where
        I: IntoIterator,
        I::Item: NamedTensor,
    {
        let names: Vec<(String, Tensor)> = names
            .into_iter()
            .map(|n| (n.name().to_string(), n.tensor().clone()))
            .collect();
        let mut w = DotWriter {
            out: String::new(),
            ids: HashMap::new(),
            next_id: 0,
            names: &names,
            root: self,
        };
        w.out.push_str("digraph {\n\tgraph [size=\"12,12\"]\n");
        w.out.push_str("\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]\n");
        let root = w.fresh_id();
        let root_label = match self.inner.meta() {
            Some(meta) if self.retains_grad() => w.retained_label(meta, self.shape()),
            _ => w.tensor_label(self),
        };
        match &self.grad_edge() {
            None => {
                let fill = if self.requires_grad() {
                    "lightblue"
                } else {
                    "darkolivegreen1"
                };
                w.node(root, &root_label, Some(fill));
            }
            Some(edge) => {
                w.node(root, &root_label, Some("darkolivegreen1"));
                let (id, _) = w.visit(&edge.node);
                w.edge(id, root, "");
                let mut queue = VecDeque::from([edge.node.clone()]);
                while let Some(node) = queue.pop_front() {
                    let to = w.ids[&(Arc::as_ptr(&node) as *const ())];
                    for next in node.next.iter().flatten() {
                        let (from, new) = w.visit(&next.node);
                        let attrs = if next.node.outputs.len() > 1 {
                            format!(" [label={}]", next.slot)
                        } else {
                            String::new()
                        };
                        w.edge(from, to, &attrs);
                        if new {
                            queue.push_back(next.node.clone());
                        }
                    }
                }
            }
        }
        w.out.push_str("}\n");
        w.out
    }
}
