namespace Jasper.Embeddings.Checkpoints;

/// <summary>The tensor names of the published checkpoint (<c>modeling_qwen3_jasper.py</c>).</summary>
internal static class JasperTensorNames
{
    /// <summary>Token embedding table [vocab, hidden].</summary>
    public const string EmbedTokens = "model.embed_tokens.weight";

    /// <summary>Final RMSNorm weight [hidden].</summary>
    public const string FinalNorm = "model.norm.weight";

    /// <summary>Output projection weight [output, hidden].</summary>
    public const string Linear1Weight = "linear_1.weight";

    /// <summary>Output projection bias [output].</summary>
    public const string Linear1Bias = "linear_1.bias";

    /// <summary>The SwiGLU applied to every token before compression.</summary>
    public static SwiGluNames JasperMlp { get; } = new("jasper_mlp");

    /// <summary>Names of one decoder layer.</summary>
    public static LayerNames Layer(int index) => new($"model.layers.{index}");

    /// <summary>Gate, up and down projections of a SwiGLU MLP.</summary>
    /// <param name="Prefix">Module path, without the trailing dot.</param>
    public sealed record SwiGluNames(string Prefix)
    {
        /// <summary>[intermediate, hidden].</summary>
        public string Gate => $"{Prefix}.gate_proj.weight";

        /// <summary>[intermediate, hidden].</summary>
        public string Up => $"{Prefix}.up_proj.weight";

        /// <summary>[hidden, intermediate].</summary>
        public string Down => $"{Prefix}.down_proj.weight";
    }

    /// <summary>Tensor names of decoder layer <c>i</c>.</summary>
    /// <param name="Prefix">Module path, without the trailing dot.</param>
    public sealed record LayerNames(string Prefix)
    {
        /// <summary>Pre-attention RMSNorm.</summary>
        public string InputNorm => $"{Prefix}.input_layernorm.weight";

        /// <summary>Pre-MLP RMSNorm.</summary>
        public string PostAttentionNorm => $"{Prefix}.post_attention_layernorm.weight";

        /// <summary>Query projection [heads*head_dim, hidden].</summary>
        public string QProj => $"{Prefix}.self_attn.q_proj.weight";

        /// <summary>Key projection [kv_heads*head_dim, hidden].</summary>
        public string KProj => $"{Prefix}.self_attn.k_proj.weight";

        /// <summary>Value projection [kv_heads*head_dim, hidden].</summary>
        public string VProj => $"{Prefix}.self_attn.v_proj.weight";

        /// <summary>Output projection [hidden, heads*head_dim].</summary>
        public string OProj => $"{Prefix}.self_attn.o_proj.weight";

        /// <summary>Per-head RMSNorm on queries [head_dim].</summary>
        public string QNorm => $"{Prefix}.self_attn.q_norm.weight";

        /// <summary>Per-head RMSNorm on keys [head_dim].</summary>
        public string KNorm => $"{Prefix}.self_attn.k_norm.weight";

        /// <summary>Bias of a projection, present only when attention_bias is true.</summary>
        public static string Bias(string weightName) => weightName[..^"weight".Length] + "bias";

        /// <summary>The layer's MLP.</summary>
        public SwiGluNames Mlp => new($"{Prefix}.mlp");
    }
}
