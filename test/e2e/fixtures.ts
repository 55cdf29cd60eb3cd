/** Shared test objects. */
export const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    additionalPrinterColumns:
    - name: Size
      type: integer
      jsonPath: .spec.size
    - name: Color
      type: string
      jsonPath: .spec.color
    - name: Ready
      type: string
      jsonPath: .status.conditions[?(@.type=="Ready")].status
    - name: Msg
      type: string
      jsonPath: .spec.msg
      priority: 1
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        description: A Widget is a test object.
        properties:
          spec:
            type: object
            description: Spec of the widget.
            required: [size]
            properties:
              size:
                type: integer
                minimum: 1
                maximum: 10
                description: How big.
              color:
                type: string
                enum: [red, blue]
                default: red
              msg:
                type: string
          status:
            type: object
            properties:
              conditions:
                type: array
                items:
                  type: object
                  required: [type, status]
                  properties:
                    type: {type: string}
                    status: {type: string}
                    reason: {type: string}
                    message: {type: string}
                    lastTransitionTime: {type: string, format: date-time}
              phase:
                type: string
`;

export function widget(name: string, size: number, extra = ''): string {
  return `apiVersion: example.com/v1
kind: Widget
metadata:
  name: ${name}
  labels:
    app: demo
spec:
  size: ${size}
${extra}`;
}
