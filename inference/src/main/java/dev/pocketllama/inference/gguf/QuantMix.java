package dev.pocketllama.inference.gguf;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a model's weights are made of: parameters, bytes, and tensor types by share of weights
 * ("Q4_0 93%, F16 5%, F32 2%"), for {@code inspect} and {@code /models}.
 */
public record QuantMix(long parameters, long bytes, Map<GgmlType, Long> weightsByType) {

    public static QuantMix of(List<GgufTensorInfo> tensors) {
        var byType = new EnumMap<GgmlType, Long>(GgmlType.class);
        long parameters = 0;
        long bytes = 0;
        for (GgufTensorInfo t : tensors) {
            parameters += t.elementCount();
            bytes += t.byteSize();
            byType.merge(t.type(), t.elementCount(), Long::sum);
        }
        return new QuantMix(parameters, bytes, byType);
    }

    /** Bits per weight over all tensors. */
    public double bitsPerWeight() { return parameters == 0 ? 0 : bytes * 8.0 / parameters; }

    /** Types by share of weights, largest first. */
    public String describe() {
        if (parameters == 0) return "";
        return weightsByType.entrySet().stream()
                .sorted(Map.Entry.<GgmlType, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + Math.round(100.0 * e.getValue() / parameters) + "%")
                .collect(Collectors.joining(", "));
    }
}
