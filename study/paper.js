// The paper's reported test accuracies (%), from its result tables (arXiv 2605.24570), for the
// table that sets this study's numbers next to them. Keys: dataset, then model, then optimizer.
export const PAPER_ACCURACY = {
  fashionmnist: {
    cnn: { adam: 93.28, adamw: 93.22, lion: 92.91, adabelief: 93.66, pilot: 94.13 },
    resnet18: { adam: 95.0, adamw: 95.19, lion: 95.09, adabelief: 95.33, pilot: 95.71 },
  },
  cifar10: {
    cnn: { adam: 79.91, adamw: 79.74, lion: 80.87, pilot: 81.94 },
    resnet18: { adam: 93.18, adamw: 92.9, lion: 92.71, pilot: 93.42 },
  },
};

/** The transfer experiment (a policy learned on CIFAR-10 with ResNet-18, frozen, applied to
 *  FashionMNIST): final accuracy (%) and epochs to 90% validation accuracy, where stated. */
export const PAPER_TRANSFER = {
  source: 'CIFAR-10 / ResNet-18',
  targetAccuracy: 0.9,
  pilot: { finalAccuracy: 94.97, epochsToTarget: null },
  'pilot-frozen': { finalAccuracy: 94.77, epochsToTarget: 4 },
  adamw: { finalAccuracy: null, epochsToTarget: 7 },
};

export function paperAccuracy(dataset, model, optimizer) {
  return PAPER_ACCURACY[dataset]?.[model]?.[optimizer] ?? null;
}
