using System.Collections.Immutable;
using Microsoft.Azure.Functions.Worker;

namespace Jasper.Functions.Tests;

/// <summary>The parts of a FunctionContext the trigger classes read: the delivery count and cancellation.</summary>
internal sealed class TestFunctionContext(long dequeueCount) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => "test";

    public override TraceContext TraceContext => null!;

    public override BindingContext BindingContext { get; } = new TestBindingContext(dequeueCount);

    public override RetryContext RetryContext => null!;

    public override IServiceProvider InstanceServices { get; set; } = null!;

    public override FunctionDefinition FunctionDefinition => null!;

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => null!;

    private sealed class TestBindingContext(long dequeueCount) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } =
            ImmutableDictionary<string, object?>.Empty.Add("DequeueCount", dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
