import Foundation
import VigilCore

/// Renders an incident in seed 002's incident-report template. Sections Vigil cannot know (root
/// cause, lessons learned, prevention) are left as the template's placeholders for the team.
public enum IncidentReport {
    /// The Markdown report.
    public static func markdown(_ detail: IncidentDetail) -> String {
        let incident = detail.incident
        let features = detail.causes.filter { $0.kind == "quarantine" }.map(\.target)
        let scopes = detail.causes.filter { $0.kind == "breaker" }.map(\.target)
        let services = scopes.filter { $0.hasPrefix("service:") }.map { String($0.dropFirst("service:".count)) }
        let automated = detail.timeline.filter { $0.kind == "automated" }
        let manual = detail.timeline.filter { $0.kind == "manual" }
        func list(_ items: [String]) -> String { items.isEmpty ? "none" : Array(Set(items)).sorted().joined(separator: ", ") }
        func entries(_ items: [IncidentDetail.Entry]) -> String {
            items.isEmpty ? "none" : items.map { "\(RFC3339.format($0.at)) \($0.action): \($0.detail)" }.joined(separator: "; ")
        }
        let duration = incident.mttrSeconds.map { "\(Format.number($0)) s" } ?? "unresolved"
        let trading = scopes.isEmpty ? "no breaker tripped" : "trading stopped in \(list(scopes))"
        return """
        # PIT Violation Incident Report

        ## Incident Summary
        - **Incident ID**: \(incident.id)
        - **Severity**: \(incident.severity.capitalized)
        - **Detection Time**: \(RFC3339.format(incident.detectedAt))
        - **Resolution Time**: \(incident.resolvedAt.map(RFC3339.format) ?? "unresolved")
        - **Duration**: \(duration)
        - **MTTD**: \(incident.mttdSeconds.map { "\(Format.number($0)) s" } ?? "unknown")

        ## Impact Assessment
        - **Affected Features**: \(list(features))
        - **Affected Services**: \(list(services))
        - **Trading Impact**: \(trading)
        - **Financial Impact**: [estimate]
        - **Regulatory Impact**: [assessment]

        ## Root Cause Analysis
        - **Primary Cause**: \(incident.title)
        - **Contributing Factors**: [list]
        - **Systemic Issues**: [analysis]

        ## Response Actions
        - **Immediate Actions**: \(entries(automated))
        - **Remediation Steps**: \(entries(manual))
        - **Validation Performed**: [list]

        ## Lessons Learned
        - **What Went Well**: [analysis]
        - **What Could Be Improved**: [analysis]
        - **Action Items**: [list with owners and due dates]

        ## Prevention Measures
        - **Code Changes**: [description]
        - **Process Improvements**: [description]
        - **Monitoring Enhancements**: [description]
        - **Training Requirements**: [description]

        """
    }
}
