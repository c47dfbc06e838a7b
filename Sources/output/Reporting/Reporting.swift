// Reporting: see docs/architecture.md.
import TrackbotCore
