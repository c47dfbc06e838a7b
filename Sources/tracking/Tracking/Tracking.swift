// Tracking: see docs/architecture.md.
import TrackbotCore
