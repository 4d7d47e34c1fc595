using Microsoft.Extensions.Options;

namespace AspireRouter.ProviderSimulator.Configuration;

/// <summary>DataAnnotations rules of <see cref="SimulatorOptions"/>, source-generated.</summary>
[OptionsValidator]
internal sealed partial class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>;

/// <summary>DataAnnotations rules of one <see cref="LatencyProfileOptions"/>, source-generated.</summary>
[OptionsValidator]
internal sealed partial class LatencyProfileOptionsValidator : IValidateOptions<LatencyProfileOptions>;

/// <summary>Rules across fields and the per-model profiles; every message quotes the bad values.</summary>
internal sealed class SimulatorOptionsCrossFieldValidator : IValidateOptions<SimulatorOptions>
{
    private readonly LatencyProfileOptionsValidator _profileValidator = new();

    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        var errors = new List<string>();

        if (options.CrossRegionLatencyMax < options.CrossRegionLatencyMin)
        {
            errors.Add($"Simulator:CrossRegionLatencyMax ({options.CrossRegionLatencyMax}) is below CrossRegionLatencyMin ({options.CrossRegionLatencyMin}).");
        }

        if (!double.IsFinite(options.TimeScale))
        {
            errors.Add($"Simulator:TimeScale must be a finite number (got {options.TimeScale}).");
        }

        // DefaultProfile's annotations are checked by the generated validator ([ValidateObjectMembers]); dictionary
        // values are not reachable by it, so the per-model profiles are checked here.
        foreach (var (model, profile) in options.Profiles)
        {
            var result = _profileValidator.Validate(model, profile);
            if (result.Failed)
            {
                errors.AddRange(result.Failures.Select(f => $"Simulator profile '{model}': {f}"));
            }
        }

        foreach (var (model, profile) in options.Profiles.Append(new("DefaultProfile", options.DefaultProfile)))
        {
            if (profile.TimeToFirstTokenP99 < profile.TimeToFirstTokenMedian)
            {
                errors.Add($"Simulator profile '{model}': TimeToFirstTokenP99 ({profile.TimeToFirstTokenP99}) is below TimeToFirstTokenMedian ({profile.TimeToFirstTokenMedian}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
