#!/usr/bin/python3
"""Golden fixtures for Loupe's evaluation library (eval/src/test/java/dev/loupe/eval/knn/KnnGoldenTest.java,
eval/src/test/java/dev/loupe/eval/linear/LogisticRegressionGoldenTest.java and LinearProbeGoldenTest.java).

Writes eval/src/test/resources/golden/eval_fixtures.safetensors holding:
  knn.*   DINO's weighted kNN (eval_knn.py, knn_classifier), written out below in plain torch: 7 classes,
          train (200, 16) and test (60, 16) float32 features drawn around per-class means, int64 labels;
          features L2-normalised with F.normalize, similarity = test @ train.T, topk(k), weights
          exp(sim / 0.07) summed per class. For k in 10, 20, 100, 200: knn.pred_k (60) int64 (best class),
          knn.top1_k and knn.top5_k (percent, float64 scalars; top-5 over the best min(5, k) classes).
          The class ranking uses a stable descending sort (lower class first on equal scores), the
          tie rule Loupe documents; the data has no ties.
  logreg.* multinomial L2-regularised logistic regression as sklearn's LogisticRegression(C, lbfgs)
          objective (1/n) sum_i CE_i + 1/(2 C n) ||W||^2, bias unpenalised, minimised in float64 with
          torch.optim.LBFGS (strong Wolfe) until max |grad| < 1e-10: logreg.x (80, 5) float32,
          logreg.y (80) int64 (4 classes), logreg.c (scalar), logreg.weight (4, 5) and logreg.bias (4)
          float64, logreg.loss (scalar).
  probe.* MAE's linear-probe head BatchNorm1d(6, affine=False, eps=1e-6) + Linear(6, 4), two training
          steps of SGD(lr 0.05, momentum 0.9) on cross-entropy: probe.weight0 / probe.bias0 (initial),
          probe.x1, probe.y1, probe.x2, probe.y2 (batches of 8), probe.loss1, probe.loss2, probe.weight1,
          probe.bias1, probe.weight2, probe.bias2 (after each step), probe.running_mean,
          probe.running_var (after both steps), probe.eval_x (5, 6) and probe.eval_logits (eval mode).
Run:  /usr/bin/python3 tools/golden/make_eval_fixtures.py   (Debian python3-torch 1.13)
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_writer import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "eval", "src", "test", "resources",
                   "golden", "eval_fixtures.safetensors")


def npf(t):
    return t.detach().numpy().astype(np.float32)


def clustered(gen, n, dim, means, noise):
    labels = torch.randint(0, means.shape[0], (n,), generator=gen)
    return means[labels] + noise * torch.randn(n, dim, generator=gen), labels


def dino_knn(train_features, train_labels, test_features, test_labels, k, t, num_classes):
    """DINO's knn_classifier for one k, one chunk (all test rows at once)."""
    train_t = train_features.t()
    similarity = torch.mm(test_features, train_t)
    distances, indices = similarity.topk(k, largest=True, sorted=True)
    candidates = train_labels.view(1, -1).expand(test_features.shape[0], -1)
    neighbours = torch.gather(candidates, 1, indices)
    one_hot = torch.zeros(test_features.shape[0] * k, num_classes)
    one_hot.scatter_(1, neighbours.view(-1, 1), 1)
    weights = distances.clone().div_(t).exp_()
    probs = torch.sum(one_hot.view(test_features.shape[0], -1, num_classes) * weights.view(test_features.shape[0], -1, 1), 1)
    _, predictions = torch.sort(probs, dim=1, descending=True, stable=True)
    correct = predictions.eq(test_labels.view(-1, 1))
    top1 = correct.narrow(1, 0, 1).sum().item() * 100.0 / test_labels.shape[0]
    top5 = correct.narrow(1, 0, min(5, k)).sum().item() * 100.0 / test_labels.shape[0]
    return predictions[:, 0], top1, top5


def knn_fixtures(out):
    gen = torch.Generator().manual_seed(11)
    classes, dim = 7, 16
    means = torch.randn(classes, dim, generator=gen)
    train_x, train_y = clustered(gen, 200, dim, means, 1.8)
    test_x, test_y = clustered(gen, 60, dim, means, 1.8)
    out["knn.train_x"], out["knn.train_y"] = npf(train_x), train_y.numpy().astype(np.int64)
    out["knn.test_x"], out["knn.test_y"] = npf(test_x), test_y.numpy().astype(np.int64)
    train_n = F.normalize(train_x, dim=1, p=2)
    test_n = F.normalize(test_x, dim=1, p=2)
    for k in (10, 20, 100, 200):
        pred, top1, top5 = dino_knn(train_n, train_y, test_n, test_y, k, 0.07, classes)
        out["knn.pred_%d" % k] = pred.numpy().astype(np.int64)
        out["knn.top1_%d" % k] = np.array(top1, dtype=np.float64)
        out["knn.top5_%d" % k] = np.array(top5, dtype=np.float64)


def logreg_fixtures(out):
    gen = torch.Generator().manual_seed(5)
    n, dim, classes, c = 80, 5, 4, 0.316
    means = 1.5 * torch.randn(classes, dim, generator=gen)
    x, y = clustered(gen, n, dim, means, 1.0)
    x = x.float()
    x64 = x.double()
    w = torch.zeros(classes, dim, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(classes, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=1000, tolerance_grad=1e-13, tolerance_change=1e-16,
                            history_size=10, line_search_fn="strong_wolfe")

    def objective():
        return F.cross_entropy(x64 @ w.t() + b, y, reduction="mean") + (w * w).sum() / (2 * c * n)

    def closure():
        opt.zero_grad()
        loss = objective()
        loss.backward()
        return loss

    for _ in range(20):
        opt.step(closure)
        closure()
        if max(w.grad.abs().max().item(), b.grad.abs().max().item()) < 1e-10:
            break
    grad_max = max(w.grad.abs().max().item(), b.grad.abs().max().item())
    assert grad_max < 1e-8, grad_max  # float64 round-off floor of the mean loss
    out["logreg.x"], out["logreg.y"] = npf(x), y.numpy().astype(np.int64)
    out["logreg.c"] = np.array(c, dtype=np.float64)
    out["logreg.weight"] = w.detach().numpy().astype(np.float64)
    out["logreg.bias"] = b.detach().numpy().astype(np.float64)
    out["logreg.loss"] = np.array(objective().item(), dtype=np.float64)


def probe_fixtures(out):
    torch.manual_seed(3)
    head = nn.Sequential(nn.BatchNorm1d(6, affine=False, eps=1e-6), nn.Linear(6, 4))
    with torch.no_grad():
        head[1].weight.copy_(0.3 * torch.randn(4, 6))
        head[1].bias.copy_(0.1 * torch.randn(4))
    out["probe.weight0"], out["probe.bias0"] = npf(head[1].weight), npf(head[1].bias)
    opt = torch.optim.SGD(head.parameters(), lr=0.05, momentum=0.9, weight_decay=0)
    head.train()
    for step in (1, 2):
        x = torch.randn(8, 6) * 2 + 0.5
        y = torch.randint(0, 4, (8,))
        opt.zero_grad()
        loss = F.cross_entropy(head(x), y)
        loss.backward()
        opt.step()
        out["probe.x%d" % step], out["probe.y%d" % step] = npf(x), y.numpy().astype(np.int64)
        out["probe.loss%d" % step] = np.array(loss.item(), dtype=np.float32)
        out["probe.weight%d" % step], out["probe.bias%d" % step] = npf(head[1].weight), npf(head[1].bias)
    out["probe.running_mean"], out["probe.running_var"] = npf(head[0].running_mean), npf(head[0].running_var)
    head.eval()
    ex = torch.randn(5, 6)
    out["probe.eval_x"], out["probe.eval_logits"] = npf(ex), npf(head(ex))


def main():
    out = {}
    knn_fixtures(out)
    logreg_fixtures(out)
    probe_fixtures(out)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    save(OUT, out, {"script": "tools/golden/make_eval_fixtures.py", "torch": torch.__version__})
    print("wrote", os.path.normpath(OUT), len(out), "tensors")


if __name__ == "__main__":
    main()
