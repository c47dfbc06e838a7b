// HTTPTransport: see docs/architecture.md.
import TrackbotCore
