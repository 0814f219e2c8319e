import { usageBackendConformance } from '@keyward/core/testing'
import { MemoryUsageBackend } from './memory-usage-backend.js'

usageBackendConformance('MemoryUsageBackend', () => new MemoryUsageBackend())
