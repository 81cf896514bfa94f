using Jasper.Serving.Api;
using Microsoft.AspNetCore.Mvc;

namespace Jasper.Serving.AspNetCore;

/// <summary>An <see cref="ApiResponse"/> as an MVC action result, for hosts that return <see cref="IActionResult"/> (Azure Functions' ASP.NET Core integration).</summary>
public sealed class ApiActionResult(ApiResponse response) : IActionResult
{
    /// <inheritdoc />
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.HttpContext.Response.WriteApiResponseAsync(response, context.HttpContext.RequestAborted);
    }
}
